using System.Collections.Generic;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu.Paging;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu;

/// <summary>
/// KVM's per-vCPU <c>struct kvm_mmu</c> (<c>vcpu-&gt;arch.mmu</c>) with the vCPU's page cache:
/// the root the vCPU runs on and which MMU owns it. With TDP, or with shadow paging while the
/// guest runs with paging off (KVM's nonpaging mode), the root maps guest-physical addresses
/// directly (<c>root_role.direct</c>); with shadow paging and guest paging on, it shadows the
/// guest's PML4 at CR3 and faults go to <c>FNAME(page_fault)</c>.
/// </summary>
/// <typeparam name="T">The entry format.</typeparam>
internal sealed class VcpuMmu<T>
    where T : struct, IKvmSpte<T>
{
    private readonly KvmMmu<T> _kvm;
    private readonly GuestWalker _walker;

    public VcpuMmu(KvmMmu<T> kvm, GuestWalker walker)
    {
        _kvm = kvm;
        _walker = walker;
        Cache = new MemoryCache<T>(kvm.Host);
    }

    /// <summary>The page-table page cache (<c>mmu_shadow_page_cache</c>), topped up before faults take the lock.</summary>
    public MemoryCache<T> Cache { get; }

    /// <summary>The loaded root (<c>mmu-&gt;root</c>), or null before the first load.</summary>
    public KvmMmuPage<T>? Root { get; private set; }

    /// <summary>Whether the loaded root maps guest-physical addresses directly (<c>root_role.direct</c>).</summary>
    public bool Direct => Root is null || Root.Role.Direct;

    /// <summary>
    /// KVM's <c>kvm_mmu_reload</c>: keep the root unless it was invalidated or the address space
    /// or the paging mode and CR3 changed (<c>kvm_mmu_new_pgd</c>); otherwise drop it
    /// (<c>kvm_mmu_free_roots</c>) and load another (<c>kvm_mmu_load</c>).
    /// </summary>
    /// <returns>Whether a root was loaded.</returns>
    public bool Reload(int asId, KvmSregs sregs)
    {
        var shadowPaging = _kvm.Options.ShadowPaging && sregs.Paging;
        var pml4Gfn = (sregs.Cr3 & GenMask.Ull(51, 12)) >> HostMemory.PageShift;
        if (Root is { } root && !KvmMmu<T>.IsObsoleteRoot(root) && root.AsId == asId
            && root.Role.Direct != shadowPaging && (!shadowPaging || root.Gfn == pml4Gfn))
        {
            return false;
        }

        if (Root is not null)
        {
            _kvm.PutRoot(Root);
        }

        Root = shadowPaging ? _kvm.GetShadowRoot(asId, pml4Gfn, Cache) : _kvm.GetRoot(asId, Cache);
        return true;
    }

    /// <summary>The page-fault handler of this context (<c>mmu-&gt;page_fault</c>, reached through <c>kvm_mmu_page_fault</c>); <paramref name="gpa"/> is where the access goes.</summary>
    public PageFaultResult PageFault(ulong addr, PageFaultErrorCode errorCode, KvmSregs sregs, out FaultTrace trace, out ulong gpa)
    {
        if (Direct)
        {
            gpa = addr;
            return _kvm.PageFault(Root!, addr, errorCode, Cache, out trace);
        }

        return _kvm.ShadowPageFault(Root!, addr, errorCode, sregs, _walker, Cache, out trace, out gpa);
    }

    /// <summary>The guest's <c>invlpg</c>: with a shadow root, the unsync entry for <paramref name="gva"/> is synced.</summary>
    public void Invlpg(ulong gva, KvmSregs sregs)
    {
        if (!Direct)
        {
            _kvm.InvalidateAddr(Root!, gva, sregs, _walker);
        }
    }

    /// <summary>A CR3 load with a shadow root: the unsync pages under it are synced (<c>KVM_REQ_MMU_SYNC</c>).</summary>
    public void SyncRoots(KvmSregs sregs)
    {
        if (!Direct)
        {
            _kvm.SyncRoots(Root!, sregs, _walker);
        }
    }

    /// <summary>The SPTEs on the path to <paramref name="addr"/> from the loaded root; empty before the first load.</summary>
    public IReadOnlyList<(int Level, T Spte)> Walk(ulong addr) => Root is null ? [] : _kvm.GetWalk(Root, addr);
}

using System.Collections.Generic;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu;

/// <summary>
/// KVM's per-vCPU <c>struct kvm_mmu</c> (<c>vcpu-&gt;arch.mmu</c>) with the vCPU's page cache:
/// the root the vCPU runs on and which MMU owns it. Every root today is a TDP root
/// (<c>root_role.direct</c>, built by the TDP MMU); a shadow-paging context will own roots of
/// the legacy MMU, and with nested EPT a vCPU switches between the two.
/// </summary>
/// <typeparam name="T">The entry format.</typeparam>
internal sealed class VcpuMmu<T>
    where T : struct, IKvmSpte<T>
{
    private readonly KvmMmu<T> _kvm;

    public VcpuMmu(KvmMmu<T> kvm)
    {
        _kvm = kvm;
        Cache = new MemoryCache<T>(kvm.Host);
    }

    /// <summary>The page-table page cache (<c>mmu_shadow_page_cache</c>), topped up before faults take the lock.</summary>
    public MemoryCache<T> Cache { get; }

    /// <summary>The loaded root (<c>mmu-&gt;root</c>), or null before the first load.</summary>
    public KvmMmuPage<T>? Root { get; private set; }

    /// <summary>Whether the root maps guest-physical addresses directly (<c>root_role.direct</c>): true for TDP.</summary>
    public bool Direct => true;

    /// <summary>
    /// KVM's <c>kvm_mmu_reload</c>: keep the root unless it was invalidated or the address space
    /// changed; otherwise drop it (<c>kvm_mmu_free_roots</c>) and load another (<c>kvm_mmu_load</c>).
    /// </summary>
    /// <returns>Whether a root was loaded.</returns>
    public bool Reload(int asId)
    {
        if (Root is { } root && !KvmMmu<T>.IsObsoleteRoot(root) && root.AsId == asId)
        {
            return false;
        }

        if (Root is not null)
        {
            _kvm.PutRoot(Root);
        }

        Root = _kvm.GetRoot(asId, Cache);
        return true;
    }

    /// <summary>The page-fault handler of this context (<c>mmu-&gt;page_fault</c>, reached through <c>kvm_mmu_page_fault</c>).</summary>
    public PageFaultResult PageFault(ulong gpa, PageFaultErrorCode errorCode, out FaultTrace trace) =>
        _kvm.PageFault(Root!, gpa, errorCode, Cache, out trace);

    /// <summary>The SPTEs on the path to <paramref name="gpa"/> from the loaded root; empty before the first load.</summary>
    public IReadOnlyList<(int Level, T Spte)> Walk(ulong gpa) => Root is null ? [] : _kvm.GetWalk(Root, gpa);
}

using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Spte.Runtime.Kernel;
using Spte.Runtime.Memory;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu.Shadow;

/// <summary>
/// KVM's legacy MMU (the half of arch/x86/kvm/mmu/mmu.c that predates the TDP MMU), as it runs
/// with <c>tdp_mmu=N</c> over EPT/NPT and for shadow paging (<c>ept=N</c>/<c>npt=N</c>): shadow
/// pages found by GFN and role in <c>mmu_page_hash</c> and kept on <c>active_mmu_pages</c>, reverse maps from each GFN to the
/// leafs mapping it, and zaps in two steps (prepare, then commit after one TLB flush, with the
/// frames freed after an RCU grace period). Everything here runs with the MMU lock held for
/// write, as the legacy MMU does, except the lockless walks of the fast page fault. Every path
/// that empties an entry writes the non-present value through <see cref="MmuSpteClearTrackBits"/>
/// or <see cref="MmuSpteClearNoTrack"/>, the two functions the review found still writing 0.
/// </summary>
/// <typeparam name="T">The entry format (EPT or NPT).</typeparam>
internal sealed partial class ShadowMmu<T>
    where T : struct, IKvmSpte<T>
{
    private readonly KvmMmu<T> _kvm;
    private readonly Dictionary<ulong, List<KvmMmuPage<T>>> _mmuPageHash = [];
    private readonly LinkedList<KvmMmuPage<T>> _activeMmuPages = new();
    private readonly Dictionary<KvmMmuPage<T>, LinkedListNode<KvmMmuPage<T>>> _activeNodes = [];
    private readonly List<SlotRmaps<T>> _rmaps = [];
    private readonly bool _proveMmu;
    private ulong _mmuValidGen;

    /// <summary>The legacy MMU of <paramref name="kvm"/>, which holds the per-VM state and the locks.</summary>
    internal ShadowMmu(KvmMmu<T> kvm)
    {
        _kvm = kvm;
        _proveMmu = kvm.ProveMmu;
    }

    /// <summary>Whether any shadow page exists (the entry points skip the legacy MMU otherwise).</summary>
    public bool HasPages => _activeMmuPages.Count != 0;

    /// <summary>The current generation (<c>kvm-&gt;arch.mmu_valid_gen</c>); pages of an older one are obsolete.</summary>
    public ulong MmuValidGen => _mmuValidGen;

    /// <summary>The roots (pages a vCPU loads), valid or invalidated.</summary>
    public IReadOnlyList<KvmMmuPage<T>> Roots
    {
        get
        {
            var roots = new List<KvmMmuPage<T>>();
            foreach (var sp in _activeMmuPages)
            {
                if (sp.IsRoot)
                {
                    roots.Add(sp);
                }
            }

            return roots;
        }
    }

    private HostMemory Host => _kvm.Host;

    private KvmMemslots Memslots => _kvm.Memslots;

    private KvmMmuOptions Options => _kvm.Options;

    private StatCounters<MmuStat> Stats => _kvm.Stats;

    /// <summary>
    /// KVM's <c>kvm_mmu_get_shadow_page</c>: the valid page for (<paramref name="gfn"/>,
    /// <paramref name="role"/>) from the hash (<c>kvm_mmu_find_shadow_page</c>), or a new one
    /// from <paramref name="cache"/>, whose top-up filled it with the non-present value
    /// (<c>kvm_mmu_alloc_shadow_page</c>).
    /// </summary>
    private KvmMmuPage<T> KvmMmuGetShadowPage(MemoryCache<T> cache, ulong gfn, KvmMmuPageRole role, bool isRoot)
    {
        return KvmMmuGetShadowPage(cache, gfn, role, isRoot, out _);
    }

    /// <summary><see cref="KvmMmuGetShadowPage(MemoryCache{T}, ulong, KvmMmuPageRole, bool)"/>, and whether the page is new.</summary>
    private KvmMmuPage<T> KvmMmuGetShadowPage(MemoryCache<T> cache, ulong gfn, KvmMmuPageRole role, bool isRoot, out bool created)
    {
        created = false;
        if (_mmuPageHash.TryGetValue(gfn, out var bucket))
        {
            foreach (var found in bucket)
            {
                if (found.Role == role && !IsObsoleteSp(found))
                {
                    return found;
                }
            }
        }
        else
        {
            bucket = [];
            _mmuPageHash.Add(gfn, bucket);
        }

        if (cache.Count == 0)
        {
            throw _kvm.KvmBug($"The memory cache is empty under the MMU lock (level {role.Level} gfn 0x{gfn:X}): a path forgot to top it up.");
        }

        created = true;
        var sp = new KvmMmuPage<T>(cache.Alloc(), role, gfn, isRoot, _mmuValidGen);
        bucket.Add(sp);
        _activeNodes.Add(sp, _activeMmuPages.AddFirst(sp));
        _kvm.AccountMmuPage(sp);
        if (!role.Direct)
        {
            AccountShadowed(sp);
        }

        return sp;
    }

    /// <summary>KVM's <c>is_obsolete_sp</c>: zapped, invalidated, or made before the last fast zap.</summary>
    private bool IsObsoleteSp(KvmMmuPage<T> sp) => sp.Zapped || sp.Invalid || sp.MmuValidGen != _mmuValidGen;

    /// <summary>KVM's <c>kvm_mmu_child_role</c> for a direct page: one level down, the same address space and access.</summary>
    private static KvmMmuPageRole ChildRole(KvmMmuPage<T> parent) => parent.Role with { Level = parent.Level - 1 };

    /// <summary>KVM's <c>mmu_spte_set</c>: write a value into an entry that holds no present SPTE.</summary>
    private void MmuSpteSet(Sptep<T> sptep, T value)
    {
        if (sptep.Value.IsPresent)
        {
            throw _kvm.KvmBug($"mmu_spte_set over the present SPTE {sptep.Value} at {sptep}.");
        }

        ProveWrite(sptep, value);
        Volatile.Write(ref Unsafe.As<T, ulong>(ref sptep.Value), value.Raw);
    }

    /// <summary>
    /// KVM's <c>mmu_spte_update</c>: replace a present SPTE. Exchanged, since the fast page fault
    /// may set the writable bit without the lock and the CPU may set accessed or dirty.
    /// </summary>
    private T MmuSpteUpdate(Sptep<T> sptep, T value)
    {
        ProveWrite(sptep, value);
        return T.FromRaw(Interlocked.Exchange(ref Unsafe.As<T, ulong>(ref sptep.Value), value.Raw));
    }

    /// <summary>
    /// KVM's <c>mmu_spte_clear_track_bits</c>: the entry of a leaf becomes the non-present value
    /// (the review's bug: this path still wrote 0), and the page counters drop. Returns the old value.
    /// The entry is re-typed in place with <c>Unsafe.As</c>, which SPTE1001 follows, so a raw 0
    /// written here fails the build.
    /// </summary>
    private T MmuSpteClearTrackBits(Sptep<T> sptep)
    {
        var old = T.FromRaw(Interlocked.Exchange(ref Unsafe.As<T, ulong>(ref sptep.Value), _kvm.ZapValue(ZapPath.MmuSpteClearTrackBits).Raw));
        ProveWritten(sptep);
        if (Spte<T>.IsShadowPresentPte(old))
        {
            Stats.Add(PageStat(sptep.Sp.Level), -1);
            Stats.Increment(MmuStat.SptesZapped);
        }

        return old;
    }

    /// <summary>KVM's <c>mmu_spte_clear_no_track</c>: an entry that is not a tracked leaf (a parent link, an MMIO SPTE) becomes non-present.</summary>
    private void MmuSpteClearNoTrack(Sptep<T> sptep)
    {
        Volatile.Write(ref Unsafe.As<T, ulong>(ref sptep.Value), _kvm.ZapValue(ZapPath.MmuSpteClearNoTrack).Raw);
        ProveWritten(sptep);
    }

    /// <summary>The prove-MMU check of a write (<see cref="KvmMmu{T}.ProveMmuSpteWrite"/>) when the mode is on; otherwise one test of a field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ProveWrite(Sptep<T> sptep, T value)
    {
        if (_proveMmu)
        {
            _kvm.ProveMmuSpteWrite(value, sptep.Gfn, sptep.Sp.Level);
        }
    }

    /// <summary>
    /// The prove-MMU check of what a clear helper just wrote, read back: the clears write the
    /// non-present value in the store itself, so the check sees exactly the stored bits (a 0
    /// written into the helper's source as much as one injected through the seam). Under the
    /// write lock nothing else changes a non-present entry meanwhile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ProveWritten(Sptep<T> sptep)
    {
        if (_proveMmu)
        {
            _kvm.ProveMmuSpteWrite(T.FromRaw(Volatile.Read(ref Unsafe.As<T, ulong>(ref sptep.Value))), sptep.Gfn, sptep.Sp.Level);
        }
    }

    /// <summary>KVM's <c>drop_spte</c>: clear a leaf and take it out of its GFN's rmap.</summary>
    private void DropSpte(Sptep<T> sptep)
    {
        var old = MmuSpteClearTrackBits(sptep);
        if (Spte<T>.IsShadowPresentPte(old))
        {
            RmapRemove(sptep, old);
        }
    }

    /// <summary>KVM's <c>drop_parent_pte</c>: unlink <paramref name="child"/> from the entry <paramref name="parentPte"/> and clear that entry.</summary>
    private void DropParentPte(KvmMmuPage<T> child, Sptep<T> parentPte)
    {
        if (!child.ParentPtes.Remove(parentPte))
        {
            throw _kvm.KvmBug($"{parentPte} links {child}, which does not list it as a parent.");
        }

        MmuSpteClearNoTrack(parentPte);
    }

    /// <summary>KVM's <c>link_shadow_page</c>: point an empty entry at <paramref name="sp"/> and record the parent.</summary>
    private void LinkShadowPage(Sptep<T> sptep, KvmMmuPage<T> sp)
    {
        MmuSpteSet(sptep, Spte<T>.MakeNonLeafSpte(sp.Pfn));
        sp.ParentPtes.Add(sptep);
    }

    /// <summary>The live page of the table at <paramref name="pfn"/> (<c>sptep_to_sp</c>); with the write lock held, a missing one is a KVM bug.</summary>
    private KvmMmuPage<T> SpteToChildSp(ulong pfn, T spte) =>
        _kvm.PageOf(pfn) ?? throw _kvm.KvmBug($"The non-leaf SPTE {spte} points to host frame 0x{pfn:X}, which is no live shadow page.");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static MmuStat PageStat(int level) => level switch
    {
        PgLevel.Pg4K => MmuStat.Pages4K,
        PgLevel.Pg2M => MmuStat.Pages2M,
        _ => MmuStat.Pages1G,
    };
}

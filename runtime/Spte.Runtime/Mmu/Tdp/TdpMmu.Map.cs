using System.Runtime.CompilerServices;
using System.Collections.Generic;
using System;
using Spte.Runtime.Kernel;
using Spte.Runtime.Memory;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu.Tdp;

/// <summary>The map step of a fault (<c>kvm_tdp_mmu_map</c>) and the lockless lookups of the fault front.</summary>
internal sealed partial class TdpMmu<T>
{
    /// <summary>
    /// KVM's <c>kvm_tdp_mmu_get_walk</c>: the SPTEs on the path to <paramref name="gfn"/>, root
    /// first, down to the last one read (a leaf or a non-present entry). The caller is in an
    /// RCU read-side section.
    /// </summary>
    internal List<(int Level, T Spte)> GetWalk(KvmMmuPage<T> root, ulong gfn)
    {
        var walk = new List<(int, T)>();
        for (var iter = new TdpIter<T>(_kvm, root, PgLevel.Pg4K, gfn); iter.Valid && iter.Gfn < gfn + 1; iter.Next())
        {
            walk.Add((iter.Level, iter.OldSpte));
        }

        return walk;
    }

    /// <summary>
    /// KVM's <c>kvm_tdp_mmu_fast_pf_get_last_sptep</c>: the last SPTE of the walk to
    /// <paramref name="gfn"/> (a leaf or a non-present entry), its level and value, for
    /// <c>fast_page_fault</c>'s compare-exchange; a null ref when the walk found none. The caller
    /// is in an RCU read-side section.
    /// </summary>
    internal ref T FastPfGetLastSptep(KvmMmuPage<T> root, ulong gfn, out int level, out T spte)
    {
        var iter = new TdpIter<T>(_kvm, root, PgLevel.Pg4K, gfn);
        while (iter.Valid && !Spte<T>.IsLastSpte(iter.OldSpte, iter.Level) && iter.OldSpte.IsPresent)
        {
            iter.Next();
        }

        level = iter.Level;
        spte = iter.OldSpte;
        if (!iter.Valid)
        {
            return ref Unsafe.NullRef<T>();
        }

        return ref iter.Sptep;
    }

    /// <summary>
    /// KVM's <c>kvm_tdp_mmu_map</c> for a fault <see cref="KvmMmu{T}.FaultinPfn"/> resolved: the map step
    /// alone, in its RCU read-side section. The caller holds the MMU lock for read and has
    /// topped up <paramref name="cache"/>.
    /// </summary>
    internal PageFaultResult KvmTdpMmuMap(KvmMmuPage<T> root, ref KvmPageFault fault, MemoryCache<T> cache)
    {
        using (Rcu.ReadLock())
        {
            return TdpMmuMap(root, ref fault, cache);
        }
    }

    /// <summary>
    /// The loop of <c>kvm_tdp_mmu_map</c>: walk to the goal level, linking a fresh table (from the
    /// topped-up cache) wherever an entry is non-present; give up and retry when an entry is
    /// frozen or a compare-exchange loses a race. A large leaf above the goal level is split
    /// (<c>tdp_mmu_split_huge_page</c>) and the walk steps into its parts.
    /// </summary>
    private PageFaultResult TdpMmuMap(KvmMmuPage<T> root, ref KvmPageFault fault, MemoryCache<T> cache)
    {
        for (var iter = new TdpIter<T>(_kvm, root, PgLevel.Pg4K, fault.Gfn); iter.Valid && iter.Gfn < fault.Gfn + 1; iter.Next())
        {
            fault.Trace(iter.Level, iter.OldSpte);
            if (Options.NxHugePages)
            {
                DisallowedHugepageAdjust(ref fault, iter.OldSpte, iter.Level);
            }

            if (iter.OldSpte.IsFrozen)
            {
                Stats.Increment(MmuStat.FrozenSpteSeen);
                return PageFaultResult.Retry;
            }

            if (iter.Level == fault.GoalLevel)
            {
                return TdpMmuMapHandleTargetLevel(ref fault, ref iter);
            }

            if (iter.OldSpte.IsPresent && !Spte<T>.IsLargePte(iter.OldSpte))
            {
                continue;
            }

            // Non-present, or a large leaf above the goal level, which is split in place (its
            // parts map the same memory, so vCPUs using the rest of it do not fault again).
            var sp = AllocSp(cache, iter.Level - 1, iter.Gfn, iter.AsId, PageOf(iter.TablePfn), iter.Index);
            sp.NxHugePageDisallowed = fault.HugePageDisallowed;
            if (!(iter.OldSpte.IsPresent ? TdpMmuSplitHugePage(ref iter, sp, shared: true) : TdpMmuLinkSp(ref iter, sp)))
            {
                // Another vCPU changed the entry first: free the unused table right away.
                Host.FreePageTable(sp.Pfn);
                return PageFaultResult.Retry;
            }

            // Only a table standing where a large leaf was allowed can be recovered into one.
            if (fault.HugePageDisallowed && fault.ReqLevel >= iter.Level)
            {
                TrackPossibleNxHugePage(sp);
            }
        }

        return PageFaultResult.Retry;
    }

    /// <summary>
    /// KVM's <c>tdp_mmu_map_handle_target_level</c>: install the leaf (or, with no slot, an
    /// MMIO SPTE carrying the memslot generation) with compare-exchange.
    /// </summary>
    private PageFaultResult TdpMmuMapHandleTargetLevel(ref KvmPageFault fault, ref TdpIter<T> iter)
    {
        T newSpte;
        if (fault.Slot is null)
        {
            newSpte = Spte<T>.MakeMmioSpte(Options.Mmio, iter.Gfn, fault.MmioGeneration, SpteAccess.All);
        }
        else
        {
            // make_spte: under the NX huge page mitigation no large leaf executes.
            var access = iter.Level > PgLevel.Pg4K && Options.NxHugePages ? SpteAccess.All & ~SpteAccess.Exec : SpteAccess.All;
            newSpte = Spte<T>.MakeSpte(iter.Level, fault.Pfn, access, fault.MapWritable);
        }

        var result = PageFaultResult.Fixed;
        if (newSpte.Raw == iter.OldSpte.Raw)
        {
            result = PageFaultResult.Spurious;
        }
        else
        {
            var old = iter.OldSpte;
            if (!TdpMmuSetSpteAtomic(ref iter, newSpte))
            {
                return PageFaultResult.Retry;
            }

            fault.Trace(iter.Level, newSpte);

            if (old.IsPresent && !Spte<T>.IsLastSpte(old, iter.Level))
            {
                FlushRemoteTlbs();
            }

            if (fault.Slot is not null && Spte<T>.IsWritablePte(newSpte))
            {
                fault.Slot.MarkPageDirty(fault.Gfn);
            }
        }

        if (Spte<T>.IsMmioSpte(Options.Mmio, newSpte))
        {
            if (result == PageFaultResult.Fixed)
            {
                Stats.Increment(MmuStat.PfMmioSpteCreated);
            }

            return PageFaultResult.Emulate;
        }

        return result;
    }

    /// <summary>KVM's <c>tdp_mmu_link_sp</c>: point the entry at a fresh table with compare-exchange.</summary>
    private bool TdpMmuLinkSp(ref TdpIter<T> iter, KvmMmuPage<T> sp)
    {
        if (!TdpMmuSetSpteAtomic(ref iter, Spte<T>.MakeNonLeafSpte(sp.Pfn)))
        {
            return false;
        }

        TdpAccountMmuPage(sp);
        return true;
    }
}

using System.Collections.Generic;
using System;
using Spte.Runtime.Kernel;
using Spte.Runtime.Memory;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu.Tdp;

/// <summary>The fault path: <c>kvm_mmu_page_fault</c> → (MMIO | fast | <c>kvm_tdp_mmu_map</c>).</summary>
public sealed partial class TdpMmu<T>
{
    /// <summary>
    /// KVM's <c>kvm_mmu_page_fault</c> for a TDP fault at <paramref name="gpa"/> through
    /// <paramref name="root"/>: a reserved-bit fault (an NPT RSVD #NPF or an EPT
    /// misconfiguration) first tries the MMIO fast path; then the lockless fast path for
    /// write-protected SPTEs; then the full fault, which tops up <paramref name="cache"/> before
    /// taking the MMU lock for read and maps with compare-exchange.
    /// </summary>
    /// <returns>What to do next: re-enter the guest (<see cref="PageFaultResult.Fixed"/>,
    /// <see cref="PageFaultResult.Spurious"/>, <see cref="PageFaultResult.Retry"/>) or emulate
    /// the access (<see cref="PageFaultResult.Emulate"/>).</returns>
    /// <exception cref="HostMemoryExhaustedException">The cache could not be topped up; nothing changed.</exception>
    /// <exception cref="InvalidOperationException">A reserved-bit fault hit an SPTE that is not MMIO (KVM's <c>-EINVAL</c>).</exception>
    public PageFaultResult PageFault(KvmMmuPage<T> root, ulong gpa, PageFaultErrorCode errorCode, MemoryCache<T> cache)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(cache);
        Stats.Increment(MmuStat.PfTaken);
        var result = PageFaultCore(root, gpa, errorCode, cache);
        Stats.Increment(result switch
        {
            PageFaultResult.Fixed => MmuStat.PfFixed,
            PageFaultResult.Spurious => MmuStat.PfSpurious,
            PageFaultResult.Emulate => MmuStat.PfEmulate,
            _ => MmuStat.PfRetry,
        });
        Rcu.Poll();
        return result;
    }

    /// <summary>
    /// KVM's <c>kvm_tdp_mmu_get_walk</c>: the SPTEs on the path to <paramref name="gpa"/>, root
    /// first, down to the last one read (a leaf or a non-present entry).
    /// </summary>
    public IReadOnlyList<(int Level, T Spte)> GetWalk(KvmMmuPage<T> root, ulong gpa)
    {
        ArgumentNullException.ThrowIfNull(root);
        var gfn = gpa >> HostMemory.PageShift;
        var walk = new List<(int, T)>();
        using (Rcu.ReadLock())
        {
            for (var iter = new TdpIter<T>(Host, root, PgLevel.Pg4K, gfn); iter.Valid && iter.Gfn < gfn + 1; iter.Next())
            {
                walk.Add((iter.Level, iter.OldSpte));
            }
        }

        return walk;
    }

    private PageFaultResult PageFaultCore(KvmMmuPage<T> root, ulong gpa, PageFaultErrorCode errorCode, MemoryCache<T> cache)
    {
        if ((errorCode & PageFaultErrorCode.Rsvd) != 0)
        {
            var mmio = HandleMmioPageFault(root, gpa);
            if (mmio != PageFaultResult.Invalid)
            {
                return mmio;
            }
        }

        var fault = new KvmPageFault
        {
            Addr = gpa,
            ErrorCode = errorCode,
            Gfn = gpa >> HostMemory.PageShift,
            AsId = root.AsId,
            MaxLevel = Options.MaxHugePageLevel,
        };

        var fast = FastPageFault(root, ref fault);
        if (fast != PageFaultResult.Invalid)
        {
            return fast;
        }

        // mmu_topup_memory_caches: before any lock, so running out of memory changes nothing.
        cache.Topup(Options.TopupMin);
        var faultin = FaultinPfn(ref fault);
        if (faultin != PageFaultResult.Continue)
        {
            return faultin;
        }

        using (ReadLock())
        {
            if (IsObsoleteRoot(root) || fault.MmuSeq != MmuInvalidateSeq)
            {
                return PageFaultResult.Retry;
            }

            return KvmTdpMmuMap(root, ref fault, cache);
        }
    }

    /// <summary>
    /// KVM's <c>handle_mmio_page_fault</c>: the SPTE that raised the reserved-bit fault is an
    /// MMIO SPTE of the current generation → emulate; a stale one → take the full fault, which
    /// rebuilds it; a zapped one → retry.
    /// </summary>
    private PageFaultResult HandleMmioPageFault(KvmMmuPage<T> root, ulong gpa)
    {
        var walk = GetWalk(root, gpa);
        var (level, spte) = walk[^1];
        if (Options.Mmio.IsMmioSpte(spte.Raw))
        {
            if (spte.MmioGeneration != Memslots.MmioGeneration)
            {
                Stats.Increment(MmuStat.MmioSpteStale);
                return PageFaultResult.Invalid;
            }

            return PageFaultResult.Emulate;
        }

        if (spte.IsPresent)
        {
            throw new InvalidOperationException($"Reserved-bit fault at GPA 0x{gpa:X} on a present SPTE that is not MMIO: {spte} at level {level}.");
        }

        return PageFaultResult.Retry;
    }

    /// <summary>
    /// KVM's <c>fast_page_fault</c> for the TDP MMU: a write to a present leaf that dirty
    /// logging write-protected but left MMU-writable is fixed without the MMU lock by setting
    /// the writable bit with compare-exchange, and the page is marked dirty.
    /// </summary>
    private PageFaultResult FastPageFault(KvmMmuPage<T> root, ref KvmPageFault fault)
    {
        if (!fault.Present || !fault.Write || (fault.ErrorCode & PageFaultErrorCode.Rsvd) != 0)
        {
            return PageFaultResult.Invalid;
        }

        using (Rcu.ReadLock())
        {
            var iter = new TdpIter<T>(Host, root, PgLevel.Pg4K, fault.Gfn);
            while (iter.Valid && !Spte<T>.IsLastSpte(iter.OldSpte, iter.Level) && iter.OldSpte.IsPresent)
            {
                iter.Next();
            }

            var spte = iter.OldSpte;
            if (!iter.Valid || !spte.IsPresent || !Spte<T>.IsMmuWritableSpte(spte))
            {
                return PageFaultResult.Invalid;
            }

            if (Spte<T>.IsWritablePte(spte))
            {
                return PageFaultResult.Spurious;
            }

            var slot = Memslots.GfnToMemslot(fault.AsId, fault.Gfn);
            if (slot is null || (iter.Level > PgLevel.Pg4K && slot.DirtyLogging))
            {
                return PageFaultResult.Invalid;
            }

            var writable = T.FromRaw(spte.Raw | T.PtWritableMask | T.ShadowDirtyMask);
            if (!TrySetSpteRaw(ref iter, writable))
            {
                return PageFaultResult.Retry;
            }

            slot.MarkPageDirty(fault.Gfn);
            Stats.Increment(MmuStat.PfFast);
            return PageFaultResult.Fixed;
        }
    }

    /// <summary>
    /// KVM's <c>kvm_mmu_faultin_pfn</c>: snapshot <c>mmu_invalidate_seq</c>, find the slot and
    /// the host frame. No slot → MMIO (mapped at 4K). A write to a read-only slot → emulate
    /// (<c>KVM_PFN_ERR_RO_FAULT</c>). A write to a page the host shares read-only → break the
    /// share first (the host's copy-on-write, which invalidates the old mapping) and retry.
    /// </summary>
    internal PageFaultResult FaultinPfn(ref KvmPageFault fault)
    {
        fault.MmuSeq = MmuInvalidateSeq;
        var slot = Memslots.GfnToMemslot(fault.AsId, fault.Gfn);
        fault.Slot = slot;
        if (slot is null)
        {
            if (!Options.Mmio.CachingEnabled || fault.Gfn > MaxGfn)
            {
                return PageFaultResult.Emulate;
            }

            fault.MaxLevel = PgLevel.Pg4K;
            fault.GoalLevel = PgLevel.Pg4K;
            return PageFaultResult.Continue;
        }

        if (fault.Write && slot.IsReadOnly)
        {
            return PageFaultResult.Emulate;
        }

        // GfnToMemslot returned the slot holding the GFN, so HostPteOf's range check is not repeated.
        var hostPte = slot.Backing.Lookup(fault.Gfn - slot.BaseGfn);
        if (fault.Write && !hostPte.Writable)
        {
            BreakHostSharing(slot, fault.Gfn);
            return PageFaultResult.Retry;
        }

        fault.MapWritable = !slot.IsReadOnly && hostPte.Writable;
        fault.GoalLevel = slot.MaxMappingLevel(fault.Gfn, fault.MaxLevel);

        // kvm_mmu_hugepage_adjust: a large leaf maps the head frame. MaxMappingLevel allowed the
        // level only where guest and host frames are aligned alike and no host page in the range
        // was replaced, so the head frame is this frame rounded down.
        fault.Pfn = hostPte.Pfn & ~(PgLevel.PagesPerHpage(fault.GoalLevel) - 1);
        return PageFaultResult.Continue;
    }

    /// <summary>
    /// KVM's <c>kvm_tdp_mmu_map</c> for a fault <see cref="FaultinPfn"/> resolved: the map step
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
    /// frozen or a compare-exchange loses a race. A large leaf above the goal level is zapped
    /// (frozen, then non-present) rather than split; the retried fault builds the lower table.
    /// </summary>
    private PageFaultResult TdpMmuMap(KvmMmuPage<T> root, ref KvmPageFault fault, MemoryCache<T> cache)
    {
        for (var iter = new TdpIter<T>(Host, root, PgLevel.Pg4K, fault.Gfn); iter.Valid && iter.Gfn < fault.Gfn + 1; iter.Next())
        {
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

            if (iter.OldSpte.IsPresent)
            {
                TdpMmuZapSpteAtomic(ref iter);
                return PageFaultResult.Retry;
            }

            var sp = AllocSp(cache, iter.Level - 1, iter.Gfn, iter.AsId, PageOf(iter.TablePfn), iter.Index);
            if (!TdpMmuLinkSp(ref iter, sp))
            {
                // Another vCPU changed the entry first: free the unused table right away.
                Host.FreePageTable(sp.Pfn);
                return PageFaultResult.Retry;
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
            newSpte = Spte<T>.MakeMmioSpte(Options.Mmio, iter.Gfn, Memslots.MmioGeneration, SpteAccess.All);
        }
        else
        {
            newSpte = Spte<T>.MakeSpte(iter.Level, fault.Pfn, SpteAccess.All, fault.MapWritable);
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

    /// <summary>
    /// The host's copy-on-write of a page it shares read-only (after KSM merged it): a private
    /// copy replaces it, and the MMU notifier zaps the old mapping first, as
    /// <c>kvm_mmu_notifier_invalidate_range_start</c> would.
    /// </summary>
    private void BreakHostSharing(KvmMemorySlot slot, ulong gfn)
    {
        using (WriteLock())
        {
            var shared = slot.HostPteOf(gfn);
            if (shared.Writable)
            {
                return;
            }

            InvalidateBegin();
            var copy = Host.ReserveGuestRam(1);
            Host.CopyPage(shared.Pfn, copy);
            ZapLeafsLocked(slot.AsId, gfn, gfn + 1);
            slot.Backing.Replace(gfn - slot.BaseGfn, new HostPte(copy, Writable: true));
        }
    }
}

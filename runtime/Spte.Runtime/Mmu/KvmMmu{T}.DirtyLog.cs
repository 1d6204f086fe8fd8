using System;
using System.Numerics;
using Spte.Runtime.Memslots;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu;

/// <summary>Dirty logging's MMU side: write protection, huge page splitting, and re-arming cleared pages.</summary>
internal sealed partial class KvmMmu<T>
{
    /// <summary>
    /// KVM's <c>kvm_mmu_slot_try_split_huge_pages</c> when dirty logging starts (with
    /// <c>eager_page_split</c>): under the shared lock, every large leaf of the slot becomes
    /// <paramref name="targetLevel"/> leafs, so vCPUs writing the slot take no fault per huge
    /// page. Only the TDP MMU splits eagerly.
    /// </summary>
    /// <returns>False when the host ran out of page-table pages; the leafs left large are write-protected like any other, so dirty logging stays correct.</returns>
    public bool SlotTrySplitHugePages(KvmMemorySlot slot, int targetLevel)
    {
        ArgumentNullException.ThrowIfNull(slot);
        if (!Options.TdpMmu)
        {
            return true;
        }

        bool split;
        using (ReadLock())
        {
            split = Tdp.TrySplitHugePages(slot, slot.BaseGfn, slot.EndGfn, targetLevel, shared: true);
        }

        Rcu.Poll();
        return split;
    }

    /// <summary>
    /// KVM's <c>kvm_mmu_slot_remove_write_access</c>: under the shared lock, every leaf at or
    /// above <paramref name="minLevel"/> in the slot loses its writable bit (staying MMU-writable).
    /// </summary>
    /// <returns>Whether any SPTE changed (a TLB flush was done).</returns>
    public bool WrprotSlot(KvmMemorySlot slot, int minLevel)
    {
        ArgumentNullException.ThrowIfNull(slot);
        bool changed;
        using (ReadLock())
        {
            changed = Tdp.WrprotSlot(slot, minLevel);
        }

        if (Shadow.HasPages)
        {
            using (WriteLock())
            {
                changed |= Shadow.WrprotSlot(slot, minLevel);
            }
        }

        if (changed)
        {
            FlushRemoteTlbs();
        }

        Rcu.Poll();
        return changed;
    }

    /// <summary>
    /// KVM's <c>kvm_mmu_slot_leaf_clear_dirty</c> (dirty logging starts with PML): under the
    /// shared lock, every leaf of the slot loses its dirty flag, so the CPU logs the next write to
    /// it. The leafs stay writable: no write faults.
    /// </summary>
    /// <returns>Whether any SPTE changed (a TLB flush was done).</returns>
    public bool SlotLeafClearDirty(KvmMemorySlot slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        bool changed;
        using (ReadLock())
        {
            changed = Tdp.ClearDirtySlot(slot);
        }

        if (changed)
        {
            FlushRemoteTlbs();
        }

        Rcu.Poll();
        return changed;
    }

    /// <summary>
    /// KVM's <c>kvm_arch_mmu_enable_log_dirty_pt_masked</c> in its write-protect form (or, with
    /// PML, its clear-dirty form: the leafs lose their dirty flag instead of writable): under the
    /// write lock, the 4K leafs of the GFNs set in <paramref name="dirtyBitmap"/> lose their
    /// writable bit, re-arming dirty logging for them. With <paramref name="initiallySet"/>
    /// (<c>KVM_DIRTY_LOG_INITIALLY_SET</c>) dirty logging started without write-protecting, so
    /// large leafs may still map the slot writable: for each word of the bitmap the large leafs
    /// over its first and last set GFN are write-protected too, and the next write to them maps 4K.
    /// </summary>
    public void WriteProtectDirtyGfns(KvmMemorySlot slot, ReadOnlySpan<ulong> dirtyBitmap, bool initiallySet)
    {
        ArgumentNullException.ThrowIfNull(slot);
        using (WriteLock())
        {
            if (initiallySet)
            {
                WriteProtectLargeLeafsOfWords(slot, dirtyBitmap, Options.EagerPageSplit && Options.TdpMmu);
            }

            Tdp.ClearDirtyPtMasked(slot, dirtyBitmap, Options.Pml ? T.ShadowDirtyMask : T.PtWritableMask);
            if (Shadow.HasPages)
            {
                Shadow.ClearDirtyPtMasked(slot, dirtyBitmap);
            }

            FlushRemoteTlbs();
        }

        Rcu.Poll();
    }

    /// <summary>
    /// The initially-set half of <c>kvm_arch_mmu_enable_log_dirty_pt_masked</c>, per 64-page word:
    /// a word covers at most two 2M ranges (the slot's base need not be aligned), so the large
    /// leafs over its first and its last set GFN are all there can be.
    /// </summary>
    private void WriteProtectLargeLeafsOfWords(KvmMemorySlot slot, ReadOnlySpan<ulong> dirtyBitmap, bool eagerSplit)
    {
        for (var word = 0; word < dirtyBitmap.Length; word++)
        {
            var mask = dirtyBitmap[word];
            if (mask == 0)
            {
                continue;
            }

            var first = slot.BaseGfn + ((ulong)word * 64);
            var start = first + (ulong)BitOperations.TrailingZeroCount(mask);
            var end = first + 63 - (ulong)BitOperations.LeadingZeroCount(mask);
            if (eagerSplit)
            {
                // kvm_mmu_try_split_huge_pages under the write lock: the 4K writes that follow then fault on nothing large.
                Tdp.TrySplitHugePages(slot, start, end + 1, PgLevel.Pg4K, shared: false);
            }

            SlotGfnWriteProtect(slot.AsId, start, PgLevel.Pg2M);
            if (PgLevel.RoundGfn(start, PgLevel.Pg2M) != PgLevel.RoundGfn(end, PgLevel.Pg2M))
            {
                SlotGfnWriteProtect(slot.AsId, end, PgLevel.Pg2M);
            }
        }
    }

    /// <summary>KVM's <c>kvm_mmu_slot_gfn_write_protect</c>: both MMUs' leafs at or above <paramref name="minLevel"/> over <paramref name="gfn"/>.</summary>
    private void SlotGfnWriteProtect(int asId, ulong gfn, int minLevel)
    {
        Tdp.WriteProtectGfn(asId, gfn, minLevel);
        if (Shadow.HasPages)
        {
            Shadow.SlotGfnWriteProtect(asId, gfn, minLevel);
        }
    }

}

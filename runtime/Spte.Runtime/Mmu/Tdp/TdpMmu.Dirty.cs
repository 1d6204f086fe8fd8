using System.Runtime.CompilerServices;
using System.Threading;
using System;
using System.Numerics;
using Spte.Runtime.Kernel;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu.Tdp;

/// <summary>Write protection for dirty logging, and aging (the accessed bit).</summary>
internal sealed partial class TdpMmu<T>
{
    /// <summary>
    /// KVM's <c>kvm_tdp_mmu_wrprot_slot</c> with the shared lock held: clear the writable bit of
    /// every leaf at or above <paramref name="minLevel"/> in the slot with compare-exchange. The
    /// SPTEs stay MMU-writable, so the next guest write is fixed by the fast path and logged.
    /// </summary>
    /// <returns>Whether any SPTE changed (a TLB flush is due).</returns>
    internal bool WrprotSlot(KvmMemorySlot slot, int minLevel) => ClearLeafBitsSlot(slot, minLevel, T.PtWritableMask);

    /// <summary>
    /// The walk <c>wrprot_gfn_range</c> and <c>clear_dirty_gfn_range</c> share, with the shared
    /// lock held: every leaf at or above <paramref name="minLevel"/> in the slot that has any of
    /// <paramref name="bits"/> loses them by compare-exchange (the CPU or a fault may change the
    /// entry meanwhile), yielding to the lock's waiters as it goes.
    /// </summary>
    /// <returns>Whether any SPTE changed (a TLB flush is due).</returns>
    private bool ClearLeafBitsSlot(KvmMemorySlot slot, int minLevel, ulong bits)
    {
        var changed = false;
        foreach (var root in ValidRootsYieldSafe(slot.AsId))
        {
            using (Rcu.ReadLock())
            {
                for (var iter = new TdpIter<T>(_kvm, root, minLevel, slot.BaseGfn); iter.Valid && iter.Gfn < slot.EndGfn; iter.Next())
                {
                    if (TdpMmuIterCondResched(ref iter, flush: false, shared: true))
                    {
                        continue;
                    }

                    while (iter.OldSpte.IsPresent && Spte<T>.IsLastSpte(iter.OldSpte, iter.Level) && (iter.OldSpte.Raw & bits) != 0)
                    {
                        if (TdpMmuSetSpteAtomic(ref iter, T.FromRaw(iter.OldSpte.Raw & ~bits)))
                        {
                            changed = true;
                            break;
                        }
                    }
                }
            }
        }

        return changed;
    }

    /// <summary>
    /// KVM's <c>kvm_tdp_mmu_clear_dirty_pt_masked</c> in its write-protect form (no PML), with
    /// the write lock held: clear the writable bit of the 4K leafs of the GFNs set in
    /// <paramref name="dirtyBitmap"/> (bit i = slot page i), re-arming dirty logging for them.
    /// </summary>
    internal void ClearDirtyPtMasked(KvmMemorySlot slot, ReadOnlySpan<ulong> dirtyBitmap, ulong bits)
    {
        using (Rcu.ReadLock())
        {
            foreach (var root in Roots)
            {
                if (root.Invalid || root.AsId != slot.AsId)
                {
                    continue;
                }

                for (var word = 0; word < dirtyBitmap.Length; word++)
                {
                    if (dirtyBitmap[word] != 0)
                    {
                        ClearDirtyPtWord(root, slot.BaseGfn + ((ulong)word * 64), dirtyBitmap[word], bits);
                    }
                }
            }
        }
    }

    /// <summary>
    /// KVM's <c>clear_dirty_pt_masked</c> for one word: a single walk from the first set GFN over
    /// the 64 the word covers (not one walk per page), taking each 4K leaf whose bit is set.
    /// </summary>
    private void ClearDirtyPtWord(KvmMmuPage<T> root, ulong gfn, ulong mask, ulong bits)
    {
        var start = gfn + (ulong)BitOperations.TrailingZeroCount(mask);
        for (var iter = new TdpIter<T>(_kvm, root, PgLevel.Pg4K, start); mask != 0 && iter.Valid && iter.Gfn < gfn + 64; iter.Next())
        {
            if (iter.Level > PgLevel.Pg4K)
            {
                continue;
            }

            var bit = 1UL << (int)(iter.Gfn - gfn);
            if ((mask & bit) == 0)
            {
                continue;
            }

            mask &= ~bit;
            if (iter.OldSpte.IsPresent && (iter.OldSpte.Raw & bits) != 0)
            {
                TdpMmuClearSpteBits(ref iter, bits);
            }
        }
    }

    /// <summary>
    /// KVM's <c>kvm_tdp_mmu_clear_dirty_slot</c> → <c>clear_dirty_gfn_range</c> with the shared
    /// lock held: every leaf of the slot loses its dirty flag (the CPU may set it again at any time).
    /// </summary>
    /// <returns>Whether any SPTE changed (a TLB flush is due).</returns>
    internal bool ClearDirtySlot(KvmMemorySlot slot) => ClearLeafBitsSlot(slot, PgLevel.Pg4K, T.ShadowDirtyMask);

    /// <summary>
    /// KVM's <c>kvm_tdp_mmu_write_protect_gfn</c> → <c>write_protect_gfn</c> with the write lock
    /// held: every leaf at or above <paramref name="minLevel"/> mapping <paramref name="gfn"/>
    /// loses its writable and MMU-writable bits, so the next write takes the full fault (which
    /// maps 4K under dirty logging) rather than the fast path.
    /// </summary>
    internal void WriteProtectGfn(int asId, ulong gfn, int minLevel)
    {
        using (Rcu.ReadLock())
        {
            foreach (var root in Roots)
            {
                if (root.Invalid || root.AsId != asId)
                {
                    continue;
                }

                for (var iter = new TdpIter<T>(_kvm, root, minLevel, gfn); iter.Valid && iter.Gfn < gfn + 1; iter.Next())
                {
                    if (!iter.OldSpte.IsPresent || !Spte<T>.IsLastSpte(iter.OldSpte, iter.Level))
                    {
                        continue;
                    }

                    var protectedSpte = T.FromRaw(iter.OldSpte.Raw & ~(T.PtWritableMask | T.ShadowMmuWritableMask));
                    if (protectedSpte.Raw != iter.OldSpte.Raw)
                    {
                        TdpMmuIterSetSpte(ref iter, protectedSpte);
                    }
                }
            }
        }
    }

    /// <summary>
    /// KVM's <c>kvm_tdp_mmu_age_gfn_range</c> (<paramref name="clear"/>) and
    /// <c>kvm_tdp_mmu_test_age_gfn</c> with the write lock held: whether any leaf mapping a GFN in
    /// the range was accessed since the last aging; clearing clears the accessed bits atomically,
    /// since the CPU may set them at the same time.
    /// </summary>
    internal bool AgeGfnRange(int asId, ulong start, ulong end, bool clear)
    {
        var young = false;
        using (Rcu.ReadLock())
        {
            foreach (var root in Roots)
            {
                if (root.AsId != asId)
                {
                    continue;
                }

                for (var iter = new TdpIter<T>(_kvm, root, PgLevel.Pg4K, start); iter.Valid && iter.Gfn < end; iter.Next())
                {
                    if (!iter.OldSpte.IsPresent || !Spte<T>.IsLastSpte(iter.OldSpte, iter.Level) || !Spte<T>.IsAccessedSpte(iter.OldSpte))
                    {
                        continue;
                    }

                    young = true;
                    if (clear)
                    {
                        // tdp_mmu_clear_spte_bits: an atomic AND, as the CPU may set A/D concurrently.
                        var before = Interlocked.And(ref Unsafe.As<T, ulong>(ref iter.Sptep), ~T.ShadowAccessedMask);
                        iter.OldSpte = T.FromRaw(before & ~T.ShadowAccessedMask);
                    }
                }
            }
        }

        return young;
    }
}

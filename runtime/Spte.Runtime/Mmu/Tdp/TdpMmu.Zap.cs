using System;
using Spte.Runtime.Kernel;
using Spte.Runtime.Memory;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu.Tdp;

/// <summary>The zap paths: every one of them writes the non-present value, never 0.</summary>
internal sealed partial class TdpMmu<T>
{
    /// <summary>
    /// KVM's <c>kvm_tdp_mmu_zap_sp</c> with the write lock held: the entry that links
    /// <paramref name="sp"/> (a live non-root table) becomes non-present, which removes the table
    /// and everything below.
    /// </summary>
    /// <returns>False when the linking entry no longer points at <paramref name="sp"/>.</returns>
    internal bool ZapSp(KvmMmuPage<T> sp)
    {
        using (Rcu.ReadLock())
        {
            ref var ptep = ref sp.Parent!.Spt[sp.ParentIndex];
            var old = TdpIter<T>.ReadSpte(ref ptep);
            if (!old.IsPresent || old.Pfn != sp.Pfn)
            {
                return false;
            }

            var value = ZapValue(ZapPath.ZapSp);
            old = WriteSpte(ref ptep, value, sp.Gfn, sp.Level + 1);
            HandleChangedSpte(sp.AsId, sp.Gfn, old, value, sp.Level + 1, shared: false);
        }

        FlushRemoteTlbs();
        return true;
    }

    /// <summary>
    /// KVM's <c>kvm_tdp_mmu_zap_collapsible_sptes</c> (run when dirty logging stops) with the
    /// shared lock held: every non-leaf entry in the slot whose range could now be one large page is
    /// zapped atomically — frozen, flushed, then non-present, its table torn down to frozen
    /// entries and freed after a grace period — so the next fault maps a large page.
    /// </summary>
    /// <returns>How many tables were zapped.</returns>
    internal int ZapCollapsibleSptes(KvmMemorySlot slot)
    {
        var zapped = 0;
        foreach (var root in ValidRootsYieldSafe(slot.AsId))
        {
            using (Rcu.ReadLock())
            {
                for (var iter = new TdpIter<T>(_kvm, root, PgLevel.Pg2M, slot.BaseGfn); iter.Valid && iter.Gfn < slot.EndGfn; iter.Next())
                {
                    if (TdpMmuIterCondResched(ref iter, flush: false, shared: true))
                    {
                        continue;
                    }

                    while (iter.Level <= Options.MaxHugePageLevel && iter.OldSpte.IsPresent && !Spte<T>.IsLastSpte(iter.OldSpte, iter.Level)
                        && iter.Gfn >= slot.BaseGfn && iter.Gfn < slot.EndGfn
                        && _kvm.KvmMmuMaxMappingLevel(slot, iter.Gfn, Options.MaxHugePageLevel) >= iter.Level)
                    {
                        if (TdpMmuZapSpteAtomic(ref iter))
                        {
                            zapped++;
                            break;
                        }
                    }
                }
            }
        }

        return zapped;
    }

    /// <summary>
    /// KVM's <c>kvm_tdp_mmu_set_spte_gfn</c> → <c>set_spte_gfn</c> with the write lock held: the
    /// host now maps <paramref name="newPte"/> behind <paramref name="gfn"/>. Any large leaf
    /// covering the GFN is zapped, and the 4K leaf is zapped; when the new host page is read-only,
    /// a read-only leaf to it is installed in its place.
    /// </summary>
    internal void SetSpteGfn(KvmMemorySlot slot, ulong gfn, HostPte newPte)
    {
        using (Rcu.ReadLock())
        {
            foreach (var root in Roots)
            {
                if (root.Invalid || root.AsId != slot.AsId)
                {
                    continue;
                }

                for (var iter = new TdpIter<T>(_kvm, root, PgLevel.Pg4K, gfn); iter.Valid && iter.Gfn < gfn + 1; iter.Next())
                {
                    if (!iter.OldSpte.IsPresent || !Spte<T>.IsLastSpte(iter.OldSpte, iter.Level))
                    {
                        continue;
                    }

                    var old = iter.OldSpte;
                    TdpMmuIterSetSpte(ref iter, ZapValue(iter.Level == PgLevel.Pg4K ? ZapPath.ChangePte : ZapPath.ZapLeafs));
                    if (iter.Level == PgLevel.Pg4K && !newPte.Writable)
                    {
                        TdpMmuIterSetSpte(ref iter, Spte<T>.ChangedPteNotifierMakeSpte(old, newPte.Pfn));
                    }
                }
            }
        }
    }

    /// <summary>
    /// Zaps the MMIO SPTEs mapping GFNs in [<paramref name="start"/>, <paramref name="end"/>).
    /// A model choice for TDs, whose CPU never reports an access through an MMIO SPTE to KVM
    /// (it is a #VE), so a stale one cannot be caught by its generation: when a memslot appears
    /// over former MMIO GFNs, their MMIO SPTEs are replaced by the non-present value. The write
    /// lock is held.
    /// </summary>
    internal int ZapMmioSptes(int asId, ulong start, ulong end)
    {
        var zapped = 0;
        using (Rcu.ReadLock())
        {
            foreach (var root in Roots)
            {
                if (root.Invalid || root.AsId != asId)
                {
                    continue;
                }

                for (var iter = new TdpIter<T>(_kvm, root, PgLevel.Pg4K, start); iter.Valid && iter.Gfn < end; iter.Next())
                {
                    if (iter.Level == PgLevel.Pg4K && Spte<T>.IsMmioSpte(Options.Mmio, iter.OldSpte))
                    {
                        TdpMmuIterSetSpte(ref iter, ZapValue(ZapPath.ZapMmioSptes));
                        zapped++;
                    }
                }
            }
        }

        return zapped;
    }

    /// <summary>
    /// KVM's <c>kvm_tdp_mmu_zap_leafs</c> with the write lock held: every present leaf mapping a
    /// GFN in [<paramref name="start"/>, <paramref name="end"/>) in the valid roots of
    /// <paramref name="asId"/> becomes non-present.
    /// </summary>
    /// <remarks>A long range lets the lock's waiters in (flushing first what it zapped so far) and goes on where it was.</remarks>
    /// <returns>Whether anything was zapped (and the TLBs flushed).</returns>
    internal bool ZapLeafs(int asId, ulong start, ulong end)
    {
        var zapped = false;
        var flush = false;
        end = Math.Min(end, MaxGfn + 1);
        foreach (var root in ValidRootsYieldSafe(asId))
        {
            using (Rcu.ReadLock())
            {
                for (var iter = new TdpIter<T>(_kvm, root, PgLevel.Pg4K, start); iter.Valid && iter.Gfn < end; iter.Next())
                {
                    if (TdpMmuIterCondResched(ref iter, flush, shared: false))
                    {
                        // The yield flushed what was zapped so far.
                        zapped |= flush;
                        flush = false;
                        continue;
                    }

                    if (iter.Level == PgLevel.Pg4K)
                    {
                        flush |= ZapLeafTable(ref iter, end);
                        continue;
                    }

                    if (!iter.OldSpte.IsPresent || !Spte<T>.IsLastSpte(iter.OldSpte, iter.Level))
                    {
                        continue;
                    }

                    TdpMmuIterSetSpte(ref iter, ZapValue(ZapPath.ZapLeafs));
                    flush = true;
                }
            }
        }

        if (flush)
        {
            FlushRemoteTlbs();
        }

        return zapped || flush;
    }

    /// <summary>
    /// <c>tdp_mmu_zap_leafs</c> over the rest of the last-level table the iterator is in, up to
    /// <paramref name="end"/>: one loop over the entries instead of an iterator step each, with
    /// the same per-entry work (<c>kvm_tdp_mmu_write_spte</c>, then <c>handle_changed_spte</c>).
    /// A present 4K leaf becoming non-present changes only the page counters there, so those are
    /// added once per table. Leaves the iterator on the last entry handled.
    /// </summary>
    private bool ZapLeafTable(ref TdpIter<T> iter, ulong end)
    {
        var table = iter.Table;
        var first = iter.Index;
        var last = (int)Math.Min(HostMemory.EntriesPerPage - 1, (ulong)first + (end - 1 - iter.Gfn));
        var value = ZapValue(ZapPath.ZapLeafs);
        var written = 0;
        var zapped = 0;
        for (var i = first; i <= last; i++)
        {
            ref var sptep = ref HostMemory.Entry(table, i);
            var old = TdpIter<T>.ReadSpte(ref sptep);
            if (!old.IsPresent)
            {
                continue;
            }

            old = KvmTdpMmuWriteSpte(ref sptep, old, value, iter.Gfn + (ulong)(i - first), PgLevel.Pg4K);
            written++;
            if (value.IsPresent)
            {
                // Only an injected bug writes a present value; give it the full bookkeeping.
                HandleChangedSpte(iter.AsId, iter.Gfn + (ulong)(i - first), old, value, PgLevel.Pg4K, shared: false);
            }
            else
            {
                zapped++;
            }
        }

        if (zapped > 0)
        {
            Stats.Add(MmuStat.Pages4K, -zapped);
            Stats.Add(MmuStat.SptesZapped, zapped);
        }

        iter.SkipTo(last);
        return written > 0;
    }
}

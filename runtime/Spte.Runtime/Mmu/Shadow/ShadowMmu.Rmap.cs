using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Threading;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu.Shadow;

/// <summary>The reverse maps and what KVM does through them: zap a GFN range, write-protect, age, change-pte.</summary>
internal sealed partial class ShadowMmu<T>
{
    /// <summary>KVM's <c>rmap_add</c>: record that <paramref name="sptep"/> maps its GFN at its level; the page counter grows.</summary>
    private void RmapAdd(KvmMemorySlot slot, Sptep<T> sptep)
    {
        var rmaps = RmapsOf(slot);
        if (rmaps is null)
        {
            rmaps = new SlotRmaps<T>(slot, Options.MaxHugePageLevel);
            _rmaps.Add(rmaps);
        }

        rmaps.Of(sptep.Gfn, sptep.Sp.Level).Add(sptep);
        Stats.Add(PageStat(sptep.Sp.Level), 1);
    }

    /// <summary>KVM's <c>rmap_remove</c>: the leaf <paramref name="old"/> at <paramref name="sptep"/> is gone; a leaf missing from its rmap is a KVM bug.</summary>
    private void RmapRemove(Sptep<T> sptep, T old)
    {
        var gfn = sptep.Gfn;
        var rmaps = RmapsOf(sptep.Sp.AsId, gfn);
        if (rmaps is null || !rmaps.Of(gfn, sptep.Sp.Level).Remove(sptep))
        {
            throw _kvm.KvmBug($"pte_list_remove: {old} at {sptep} is not in the rmap of GFN 0x{gfn:X}.");
        }
    }

    private SlotRmaps<T>? RmapsOf(int asId, ulong gfn)
    {
        foreach (var rmaps in _rmaps)
        {
            if (rmaps.Contains(asId, gfn))
            {
                return rmaps;
            }
        }

        return null;
    }

    private SlotRmaps<T>? RmapsOf(KvmMemorySlot slot)
    {
        foreach (var rmaps in _rmaps)
        {
            if (rmaps.IsOf(slot))
            {
                return rmaps;
            }
        }

        return null;
    }

    /// <summary>KVM's <c>kvm_arch_free_memslot</c>: the slot is gone and its zap emptied its rmaps; they are dropped.</summary>
    internal void FreeMemslotRmaps(KvmMemorySlot slot) => _rmaps.RemoveAll(r => r.IsOf(slot));

    /// <summary>
    /// KVM's <c>kvm_rmap_zap_gfn_range</c>: every leaf mapping a GFN in [<paramref name="start"/>,
    /// <paramref name="end"/>) of <paramref name="asId"/>, found through the rmaps of each level,
    /// is cleared (<c>kvm_zap_rmap</c>). The tables stay, as in KVM.
    /// </summary>
    /// <returns>Whether anything was zapped (a TLB flush is due).</returns>
    internal bool ZapGfnRange(int asId, ulong start, ulong end) =>
        ForEachRmapSpte(asId, start, end, PgLevel.Pg4K, (sptep, _) =>
        {
            DropSpte(sptep);
            return true;
        });

    /// <summary>
    /// KVM's <c>kvm_mmu_slot_remove_write_access</c> → <c>slot_rmap_write_protect</c>: the leafs
    /// at or above <paramref name="minLevel"/> in the slot lose their writable bit (staying
    /// MMU-writable, so the fast page fault restores it and logs the page).
    /// </summary>
    internal bool WrprotSlot(KvmMemorySlot slot, int minLevel) =>
        ForEachRmapSpte(slot.AsId, slot.BaseGfn, slot.EndGfn, minLevel, (sptep, spte) => SpteWriteProtect(sptep, spte));

    /// <summary>
    /// KVM's <c>kvm_mmu_write_protect_pt_masked</c>: the 4K leafs of the GFNs set in
    /// <paramref name="dirtyBitmap"/> (bit i = slot page i) lose their writable bit.
    /// </summary>
    internal void ClearDirtyPtMasked(KvmMemorySlot slot, ReadOnlySpan<ulong> dirtyBitmap)
    {
        if (RmapsOf(slot) is not { } rmaps)
        {
            return;
        }

        for (var word = 0; word < dirtyBitmap.Length; word++)
        {
            for (var bits = dirtyBitmap[word]; bits != 0; bits &= bits - 1)
            {
                var gfn = slot.BaseGfn + ((ulong)word * 64) + (ulong)BitOperations.TrailingZeroCount(bits);
                foreach (var sptep in rmaps.Of(gfn, PgLevel.Pg4K).ToArray())
                {
                    SpteWriteProtect(sptep, sptep.Value);
                }
            }
        }
    }

    /// <summary>
    /// KVM's <c>kvm_mmu_slot_gfn_write_protect</c> through the rmaps, with <c>pt_protect</c>: the
    /// leafs at or above <paramref name="minLevel"/> mapping <paramref name="gfn"/> lose their
    /// writable and MMU-writable bits; the leafs stay (unlike page tracking's
    /// <see cref="KvmMmuGfnWriteProtect"/>, which drops large ones).
    /// </summary>
    internal void SlotGfnWriteProtect(int asId, ulong gfn, int minLevel) =>
        ForEachRmapSpte(asId, gfn, gfn + 1, minLevel, static (sptep, spte) => SpteWriteProtect(sptep, spte, ptProtect: true));

    /// <summary>
    /// KVM's <c>kvm_rmap_age_gfn_range</c> (<paramref name="clear"/>) and <c>kvm_rmap_test_age_gfn</c>:
    /// whether a leaf mapping the range was accessed; clearing is an atomic AND, as the CPU may
    /// set accessed or dirty at the same time.
    /// </summary>
    internal bool AgeGfnRange(int asId, ulong start, ulong end, bool clear) =>
        ForEachRmapSpte(asId, start, end, PgLevel.Pg4K, (sptep, spte) =>
        {
            if (!Spte<T>.IsAccessedSpte(spte))
            {
                return false;
            }

            if (clear)
            {
                Interlocked.And(ref Unsafe.As<T, ulong>(ref sptep.Value), ~T.ShadowAccessedMask);
            }

            return true;
        });

    /// <summary>
    /// KVM's <c>kvm_set_pte_rmap</c> (the change-pte notifier, removed from Linux 6.9): the host
    /// now maps <paramref name="newPte"/> behind <paramref name="gfn"/>. Large leafs over it are
    /// dropped; the 4K leaf is dropped, or, when the new host page is read-only, re-pointed to it
    /// read-only in place (it stays in its rmap).
    /// </summary>
    internal void SetSpteGfn(KvmMemorySlot slot, ulong gfn, HostPte newPte) =>
        ForEachRmapSpte(slot.AsId, gfn, gfn + 1, PgLevel.Pg4K, (sptep, spte) =>
        {
            if (sptep.Sp.Level == PgLevel.Pg4K && !newPte.Writable)
            {
                MmuSpteUpdate(sptep, Spte<T>.ChangedPteNotifierMakeSpte(spte, newPte.Pfn));
            }
            else
            {
                DropSpte(sptep);
            }

            return true;
        });

    /// <summary>
    /// KVM's <c>kvm_rmap_zap_collapsible_sptes</c> (dirty logging stopped): every 4K leaf of a
    /// direct page whose range could now be one larger page is dropped
    /// (<c>kvm_mmu_zap_collapsible_spte</c>), so the next fault maps the large page.
    /// </summary>
    /// <returns>How many leafs were dropped.</returns>
    internal int ZapCollapsibleSptes(KvmMemorySlot slot)
    {
        var zapped = 0;
        ForEachRmapSpte(slot.AsId, slot.BaseGfn, slot.EndGfn, PgLevel.Pg4K, (sptep, _) =>
        {
            var sp = sptep.Sp;
            if (sp.Level >= Options.MaxHugePageLevel || !sp.Role.Direct
                || _kvm.KvmMmuMaxMappingLevel(slot, sp.Gfn, Options.MaxHugePageLevel) <= sp.Level)
            {
                return false;
            }

            DropSpte(sptep);
            zapped++;
            return true;
        }, maxLevel: PgLevel.Pg2M);
        return zapped;
    }

    /// <summary>
    /// KVM's <c>spte_write_protect</c>: clear the writable bit atomically (with
    /// <paramref name="ptProtect"/>, for a shadowed guest table, MMU-writable too, so the fast
    /// path cannot restore it); whether anything was cleared.
    /// </summary>
    private static bool SpteWriteProtect(Sptep<T> sptep, T spte, bool ptProtect = false)
    {
        var clear = T.PtWritableMask | (ptProtect ? T.ShadowMmuWritableMask : 0);
        if ((spte.Raw & clear) == 0)
        {
            return false;
        }

        Interlocked.And(ref Unsafe.As<T, ulong>(ref sptep.Value), ~clear);
        return true;
    }

    /// <summary>
    /// KVM's <c>walk_slot_rmaps</c> / <c>for_each_rmap_spte</c> over GFNs [<paramref name="start"/>,
    /// <paramref name="end"/>) of <paramref name="asId"/> at levels <paramref name="minLevel"/> to
    /// <paramref name="maxLevel"/> (the largest leaf level by default): <paramref name="handler"/>
    /// sees each leaf once with its current value and may drop it; its answers are or-ed.
    /// </summary>
    private bool ForEachRmapSpte(int asId, ulong start, ulong end, int minLevel, Func<Sptep<T>, T, bool> handler, int maxLevel = int.MaxValue)
    {
        var any = false;
        foreach (var rmaps in _rmaps)
        {
            var first = Math.Max(start, rmaps.BaseGfn);
            var last = Math.Min(end, rmaps.EndGfn);
            if (rmaps.AsId != asId || first >= last)
            {
                continue;
            }

            for (var level = minLevel; level <= Math.Min(maxLevel, rmaps.MaxLevel); level++)
            {
                var pages = PgLevel.PagesPerHpage(level);
                for (var gfn = PgLevel.RoundGfn(first, level); gfn < last; gfn += pages)
                {
                    ref var head = ref rmaps.Of(Math.Max(gfn, rmaps.BaseGfn), level);
                    if (head.Count == 1)
                    {
                        var sptep = head.Single;
                        any |= handler(sptep, sptep.Value);
                    }
                    else if (head.Count > 1)
                    {
                        // A copy: the handler may drop what it is given.
                        foreach (var sptep in head.ToArray())
                        {
                            any |= handler(sptep, sptep.Value);
                        }
                    }
                }
            }
        }

        return any;
    }
}

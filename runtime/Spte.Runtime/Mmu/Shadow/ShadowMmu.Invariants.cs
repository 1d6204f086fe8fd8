using System;
using System.Linq;
using System.Collections.Generic;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu.Shadow;

/// <summary>The invariant check of the legacy MMU: every shadow page, its links and the rmaps.</summary>
internal sealed partial class ShadowMmu<T>
{
    /// <summary>
    /// With the MMU write lock held, checks every page on <c>active_mmu_pages</c> (reachable or
    /// parentless) and the rmaps:
    /// <list type="bullet">
    /// <item>each entry is the non-present value, a well-formed MMIO SPTE, a link or a leaf (as the
    /// TDP MMU's check: see <see cref="MmuInvariantCheck{T}"/>);</item>
    /// <item>a link points to a live page of the next level and the right GFN that lists the link
    /// among its parents, and every parent a page lists links to it;</item>
    /// <item>rmap ↔ leaf is a bijection: every present leaf is in the rmap of its GFN and level,
    /// and every rmap entry is such a leaf;</item>
    /// <item>every live table is a page on the list (none leaked), and the counters match.</item>
    /// </list>
    /// </summary>
    internal MmuInvariantReport CheckInvariants(IReadOnlyCollection<MemoryCache<T>>? caches)
    {
        var check = new MmuInvariantCheck<T>(_kvm);
        var pages = new long[PgLevel.Pg1G + 1];
        var leafs = 0;
        foreach (var sp in _activeMmuPages)
        {
            if (_kvm.PageOf(sp.Pfn) != sp)
            {
                check.Fail($"{sp} is on active_mmu_pages but not live.");
                continue;
            }

            check.Tables++;
            CheckParents(check, sp);
            for (var i = 0; i < HostMemory.EntriesPerPage; i++)
            {
                var sptep = new Sptep<T>(sp, i);
                var spte = sptep.Value;
                var where = $"{sp} entry {i} (gfn 0x{sptep.Gfn:X})";
                if (!spte.IsPresent)
                {
                    check.CheckNonPresent(spte, sp.AsId, sptep.Gfn, sp.Level, where);
                }
                else if (!Spte<T>.IsLastSpte(spte, sp.Level))
                {
                    CheckLink(check, sptep, spte, where);
                }
                else
                {
                    check.CheckLeaf(spte, sp.AsId, sptep.Gfn, sp.Level, where);
                    pages[sp.Level]++;
                    leafs++;
                    if (RmapsOf(sp.AsId, sptep.Gfn) is not { } rmaps || !rmaps.Of(sptep.Gfn, sp.Level).Contains(sptep))
                    {
                        check.Fail($"{where}: present leaf {spte} is not in the rmap of its GFN.");
                    }
                }
            }
        }

        CheckRmaps(check, leafs);
        CheckShadowedGuestTables(check);
        var live = 0;
        foreach (var page in _kvm.LivePages)
        {
            if (page is null)
            {
                continue;
            }

            live++;
            if (page.TdpMmuPage || !_activeNodes.ContainsKey(page))
            {
                check.Fail($"{page} is live but not on active_mmu_pages (leaked).");
            }
        }

        check.CountersMatch(live, pages);
        if (caches is not null)
        {
            check.CheckCaches(caches, live);
        }

        return check.Report();
    }

    /// <summary>
    /// Shadow paging: unsync pages only at the last level; no writable leaf maps a guest table
    /// whose shadow pages are in sync; the write-tracking counts and
    /// <c>indirect_shadow_pages</c> match the pages.
    /// </summary>
    private void CheckShadowedGuestTables(MmuInvariantCheck<T> check)
    {
        var tracked = new Dictionary<(int AsId, ulong Gfn), int>();
        var indirect = 0;
        foreach (var sp in _activeMmuPages)
        {
            if (sp.Unsync && (sp.Role.Direct || sp.Level != PgLevel.Pg4K))
            {
                check.Fail($"{sp} is unsync but is not a last-level page shadowing a guest table.");
            }

            if (sp.Role.Direct || sp.Invalid)
            {
                continue;
            }

            indirect++;
            if (sp.Level > PgLevel.Pg4K)
            {
                tracked[(sp.AsId, sp.Gfn)] = tracked.GetValueOrDefault((sp.AsId, sp.Gfn)) + 1;
            }

            if (!sp.Unsync && sp.Level == PgLevel.Pg4K)
            {
                CheckInSync(check, sp);
            }

            if (!sp.Unsync && RmapsOf(sp.AsId, sp.Gfn) is { } rmaps)
            {
                foreach (var sptep in rmaps.Of(sp.Gfn, PgLevel.Pg4K).ToArray())
                {
                    if (Spte<T>.IsWritablePte(sptep.Value))
                    {
                        check.Fail($"{sptep} lets the guest write gfn 0x{sp.Gfn:X}, a guest table {sp} shadows in sync.");
                    }
                }
            }
        }

        if (indirect != _indirectShadowPages)
        {
            check.Fail($"indirect_shadow_pages is {_indirectShadowPages}, but {indirect} live pages shadow guest tables.");
        }

        if (tracked.Count != _writeTrack.Count || tracked.Any(t => _writeTrack.GetValueOrDefault(t.Key) != t.Value))
        {
            check.Fail($"the write-tracked guest tables ({_writeTrack.Count}) do not match the shadow pages above the last level ({tracked.Count}).");
        }
    }

    /// <summary>A last-level page in sync maps, in each present leaf, the GFN its guest entry names now.</summary>
    private void CheckInSync(MmuInvariantCheck<T> check, KvmMmuPage<T> sp)
    {
        if (Memslots.GfnToMemslot(sp.AsId, sp.Gfn) is not { } slot)
        {
            return;
        }

        var guestTable = new ulong[HostMemory.EntriesPerPage];
        Host.Read(slot.HostPteOf(sp.Gfn).Pfn << HostMemory.PageShift, System.Runtime.InteropServices.MemoryMarshal.AsBytes(guestTable.AsSpan()));
        for (var i = 0; i < HostMemory.EntriesPerPage; i++)
        {
            var gpte = Formats.GuestPte.FromRaw(guestTable[i]);
            var sptep = new Sptep<T>(sp, i);
            if (Spte<T>.IsShadowPresentPte(sptep.Value) && (!gpte.PagePresent || gpte.Pfn != sptep.Gfn))
            {
                check.Fail($"{sp} is in sync, but entry {i} maps gfn 0x{sptep.Gfn:X} where the guest entry is {gpte} (a sync skipped it, or the table changed behind KVM's back).");
            }
        }
    }

    private void CheckLink(MmuInvariantCheck<T> check, Sptep<T> sptep, T spte, string where)
    {
        var child = _kvm.PageOf(spte.Pfn);
        if (child is null)
        {
            check.Fail($"{where}: present non-leaf {spte} points to host frame 0x{spte.Pfn:X}, which is not a live page table (freed or never linked).");
        }
        else if (child.Level != sptep.Sp.Level - 1 || child.Gfn != sptep.Gfn || child.AsId != sptep.Sp.AsId)
        {
            check.Fail($"{where}: non-leaf points to {child}, expected level {sptep.Sp.Level - 1} gfn 0x{sptep.Gfn:X}.");
        }
        else if (!child.ParentPtes.Contains(sptep))
        {
            check.Fail($"{where}: links {child}, which does not list the entry among its parents.");
        }
    }

    private static void CheckParents(MmuInvariantCheck<T> check, KvmMmuPage<T> sp)
    {
        if (sp.IsRoot && sp.ParentPtes.Count != 0)
        {
            check.Fail($"{sp} is a root with parent entries.");
        }

        foreach (var parent in sp.ParentPtes.ToArray())
        {
            var link = parent.Value;
            if (!link.IsPresent || Spte<T>.IsLastSpte(link, parent.Sp.Level) || link.Pfn != sp.Pfn)
            {
                check.Fail($"{sp} lists {parent} as a parent, which holds {link}.");
            }
        }
    }

    private void CheckRmaps(MmuInvariantCheck<T> check, int leafs)
    {
        var entries = 0;
        foreach (var rmaps in _rmaps)
        {
            for (var level = PgLevel.Pg4K; level <= rmaps.MaxLevel; level++)
            {
                var pages = PgLevel.PagesPerHpage(level);
                for (var gfn = PgLevel.RoundGfn(rmaps.BaseGfn, level); gfn < rmaps.EndGfn; gfn += pages)
                {
                    var first = gfn < rmaps.BaseGfn ? rmaps.BaseGfn : gfn;
                    foreach (var sptep in rmaps.Of(first, level).ToArray())
                    {
                        entries++;
                        var spte = sptep.Value;
                        if (sptep.Sp.Zapped || sptep.Sp.Level != level || PgLevel.RoundGfn(sptep.Gfn, level) != gfn
                            || !spte.IsPresent || !Spte<T>.IsLastSpte(spte, level))
                        {
                            check.Fail($"the rmap of GFN 0x{gfn:X} level {level} holds {sptep}, which is {spte}, not a present leaf of that GFN and level.");
                        }
                    }
                }
            }
        }

        if (entries != leafs)
        {
            check.Fail($"the rmaps hold {entries} entries, but {leafs} present leafs exist.");
        }
    }
}

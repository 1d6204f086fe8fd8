using System.Collections.Generic;
using Spte.Runtime.Kernel;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu.Tdp;

/// <summary>The invariant check: a full walk of every root under the write lock.</summary>
internal sealed partial class TdpMmu<T>
{
    /// <summary>
    /// Walks every root (valid or invalidated), with the MMU write lock held, and checks:
    /// <list type="bullet">
    /// <item>every non-present entry is exactly the non-present value or a well-formed MMIO SPTE
    /// (4K, its own GFN, all other bits as <c>make_mmio_spte</c> makes them, and a GFN with no
    /// memslot if its generation is current); a frozen entry outside an operation is a violation;</item>
    /// <item>every present non-leaf points to a live table of the next level and the right GFN,
    /// and no table is reached twice (no double reference);</item>
    /// <item>every live table is reachable (no leak), and the page counters match;</item>
    /// <item>every leaf maps, inside a memslot, the frame the host maps there; writable implies
    /// MMU-writable implies host-writable; read-only slots have no writable leaf;</item>
    /// <item>under the NX huge page mitigation no large leaf is executable, and every table on the
    /// recovery list is live and marked, as many as <c>nx_lpage_splits</c> counts;</item>
    /// <item>the host's page-table pages in use equal the live tables plus those awaiting their
    /// grace period plus the pages in <paramref name="caches"/> (when given), and every cached
    /// page is a fresh table of non-present entries.</item>
    /// </list>
    /// </summary>
    /// <param name="caches">The vCPUs' memory caches, to account for every host page; null to skip that check.</param>
    internal MmuInvariantReport CheckInvariants(IReadOnlyCollection<MemoryCache<T>>? caches)
    {
        var check = new MmuInvariantCheck<T>(_kvm);
        var visited = new HashSet<ulong>();
        var pages = new long[PgLevel.Pg1G + 1];
        foreach (var root in Roots)
        {
            if (PageOf(root.Pfn) != root)
            {
                check.Fail($"{root} is in the root list but not live.");
                continue;
            }

            CheckTable(check, root, visited, pages);
        }

        var live = 0;
        foreach (var page in _kvm.LivePages)
        {
            if (page is null)
            {
                continue;
            }

            live++;
            if (!visited.Contains(page.Pfn))
            {
                check.Fail($"{page} is live but no root reaches it (leaked).");
            }
        }

        CheckPossibleNxHugePages(check);
        check.CountersMatch(live, pages);
        if (caches is not null)
        {
            check.CheckCaches(caches, live);
        }

        return check.Report();
    }

    private void CheckTable(MmuInvariantCheck<T> check, KvmMmuPage<T> sp, HashSet<ulong> visited, long[] pages)
    {
        if (!visited.Add(sp.Pfn))
        {
            check.Fail($"{sp} is referenced twice.");
            return;
        }

        check.Tables++;
        for (var i = 0; i < HostMemory.EntriesPerPage; i++)
        {
            var spte = sp.Spt[i];
            var gfn = sp.Gfn + ((ulong)i * PgLevel.PagesPerHpage(sp.Level));
            var where = $"as {sp.AsId} gfn 0x{gfn:X} level {sp.Level}";
            if (!spte.IsPresent)
            {
                check.CheckNonPresent(spte, sp.AsId, gfn, sp.Level, where);
            }
            else if (!Spte<T>.IsLastSpte(spte, sp.Level))
            {
                var child = PageOf(spte.Pfn);
                if (child is null)
                {
                    check.Fail($"{where}: present non-leaf {spte} points to host frame 0x{spte.Pfn:X}, which is not a live page table (freed or never linked).");
                }
                else if (child.Level != sp.Level - 1 || child.Gfn != gfn || child.AsId != sp.AsId)
                {
                    check.Fail($"{where}: non-leaf points to {child}, expected level {sp.Level - 1} gfn 0x{gfn:X}.");
                }
                else
                {
                    CheckTable(check, child, visited, pages);
                }
            }
            else
            {
                check.CheckLeaf(spte, sp.AsId, gfn, sp.Level, where);
                if (Options.NxHugePages && sp.Level > PgLevel.Pg4K && Spte<T>.IsExecutablePte(spte))
                {
                    check.Fail($"{where}: large leaf {spte} is executable under the NX huge page mitigation.");
                }

                pages[sp.Level]++;
            }
        }
    }

    private void CheckPossibleNxHugePages(MmuInvariantCheck<T> check)
    {
        lock (_pagesLock)
        {
            foreach (var sp in _possibleNxHugePages)
            {
                if (PageOf(sp.Pfn) != sp || !sp.NxHugePageDisallowed)
                {
                    check.Fail($"{sp} is an NX recovery candidate but {(PageOf(sp.Pfn) != sp ? "not live" : "not marked")}.");
                }
            }

            if (_possibleNxHugePages.Count != Stats[MmuStat.NxLpageSplits])
            {
                check.Fail($"nx_lpage_splits is {Stats[MmuStat.NxLpageSplits]} but {_possibleNxHugePages.Count} tables are recovery candidates.");
            }
        }
    }
}

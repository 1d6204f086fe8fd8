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
    /// <item>the host's page-table pages in use equal the live tables plus those awaiting their
    /// grace period plus the pages in <paramref name="caches"/> (when given), and every cached
    /// page is a fresh table of non-present entries.</item>
    /// </list>
    /// </summary>
    /// <param name="caches">The vCPUs' memory caches, to account for every host page; null to skip that check.</param>
    internal MmuInvariantReport CheckInvariants(IReadOnlyCollection<MemoryCache<T>>? caches)
    {
        var check = new Check();
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

        CountersMatch(check, live, pages);
        if (caches is not null)
        {
            CheckCaches(check, caches, live);
        }

        return new MmuInvariantReport(check.Violations, check.Tables, check.Leafs, check.Mmio);
    }

    private void CheckTable(Check check, KvmMmuPage<T> sp, HashSet<ulong> visited, long[] pages)
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
                CheckNonPresent(check, spte, sp.AsId, gfn, sp.Level, where);
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
                CheckLeaf(check, spte, sp.AsId, gfn, sp.Level, where);
                pages[sp.Level]++;
            }
        }
    }

    private void CheckNonPresent(Check check, T spte, int asId, ulong gfn, int level, string where)
    {
        if (Spte<T>.IsShadowNonPresentValue(spte))
        {
            return;
        }

        if (Spte<T>.IsMmioSpte(Options.Mmio, spte))
        {
            check.Mmio++;
            var generation = spte.MmioGeneration;
            if (level != PgLevel.Pg4K)
            {
                check.Fail($"{where}: MMIO SPTE {spte} above 4K.");
            }
            else if (spte.Raw != Spte<T>.MakeMmioSpte(Options.Mmio, gfn, generation, SpteAccess.All).Raw)
            {
                check.Fail($"{where}: non-present SPTE {spte} (raw 0x{spte.Raw:X16}) matches the MMIO pattern but is not an MMIO SPTE for this GFN; a zap wrote something other than the non-present value?");
            }
            else if (generation == Memslots.MmioGeneration && Memslots.GfnToMemslot(asId, gfn) is { } slot)
            {
                check.Fail($"{where}: MMIO SPTE of the current generation for a GFN in {slot}.");
            }

            return;
        }

        check.Fail(spte.IsFrozen
            ? $"{where}: frozen SPTE left behind outside any operation."
            : $"{where}: non-present SPTE {spte} (raw 0x{spte.Raw:X16}) is not the non-present value 0x{T.NonPresentValue:X16}.");
    }

    private void CheckLeaf(Check check, T spte, int asId, ulong gfn, int level, string where)
    {
        check.Leafs++;
        if (level > Options.MaxHugePageLevel)
        {
            check.Fail($"{where}: leaf above the largest page level.");
        }

        if (Spte<T>.CheckSpteWritableInvariants(spte) is { } broken)
        {
            check.Fail($"{where}: {broken}");
        }

        var pages = PgLevel.PagesPerHpage(level);
        var slot = Memslots.GfnToMemslot(asId, gfn);
        if (slot is null || gfn + pages > slot.EndGfn)
        {
            check.Fail($"{where}: leaf {spte} maps GFNs 0x{gfn:X}..0x{gfn + pages:X} outside every memslot.");
            return;
        }

        if (spte.Pfn != slot.HostPteOf(gfn).Pfn || (level > PgLevel.Pg4K && slot.Backing.AnyReplacedIn(gfn - slot.BaseGfn, gfn - slot.BaseGfn + pages)))
        {
            check.Fail($"{where}: leaf maps host frame 0x{spte.Pfn:X}, but the host maps 0x{slot.HostPteOf(gfn).Pfn:X} there.");
        }

        if (slot.IsReadOnly && (spte.Raw & (T.PtWritableMask | T.ShadowHostWritableMask)) != 0)
        {
            check.Fail($"{where}: writable or host-writable leaf in read-only {slot}.");
        }
    }

    private void CountersMatch(Check check, int live, long[] pages)
    {
        if (Stats[MmuStat.TablesInUse] != live)
        {
            check.Fail($"tdp_mmu_pages is {Stats[MmuStat.TablesInUse]}, but {live} tables are live.");
        }

        (MmuStat Stat, int Level)[] gauges = [(MmuStat.Pages4K, PgLevel.Pg4K), (MmuStat.Pages2M, PgLevel.Pg2M), (MmuStat.Pages1G, PgLevel.Pg1G)];
        foreach (var (stat, level) in gauges)
        {
            if (Stats[stat] != pages[level])
            {
                check.Fail($"{stat} is {Stats[stat]}, but {pages[level]} leafs of that size are present.");
            }
        }
    }

    private void CheckCaches(Check check, IReadOnlyCollection<MemoryCache<T>> caches, int live)
    {
        var cached = 0;
        foreach (var cache in caches)
        {
            foreach (var page in cache.Pages)
            {
                cached++;
                if (PageOf(page.Pfn) is not null)
                {
                    check.Fail($"cached page 0x{page.Pfn:X} is also a live table.");
                }

                foreach (var spte in page.Spt)
                {
                    if (!Spte<T>.IsShadowNonPresentValue(spte))
                    {
                        check.Fail($"cached page 0x{page.Pfn:X} holds {spte}, not only the non-present value.");
                        break;
                    }
                }
            }
        }

        var expected = live + Rcu.Pending + cached;
        if (Host.PageTablePagesInUse != expected)
        {
            check.Fail($"the host has {Host.PageTablePagesInUse} page-table pages in use, but {live} are live, {Rcu.Pending} await their grace period and {cached} are cached.");
        }
    }

    private sealed class Check
    {
        public List<string> Violations { get; } = [];

        public int Tables { get; set; }

        public int Leafs { get; set; }

        public int Mmio { get; set; }

        public void Fail(string violation) => Violations.Add(violation);
    }
}

using System.Collections.Generic;
using Spte.Runtime.Kernel;
using Spte.Runtime.Memory;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu;

/// <summary>
/// The checks both MMUs' invariant walks make of what they find (a non-present entry, a leaf,
/// the counters, the vCPUs' caches), and the violations found so far.
/// </summary>
/// <typeparam name="T">The entry format.</typeparam>
internal sealed class MmuInvariantCheck<T>(KvmMmu<T> kvm)
    where T : struct, IKvmSpte<T>
{
    private readonly List<string> _violations = [];

    /// <summary>Tables walked.</summary>
    public int Tables { get; set; }

    /// <summary>Present leafs checked.</summary>
    public int Leafs { get; private set; }

    /// <summary>MMIO SPTEs checked.</summary>
    public int Mmio { get; private set; }

    private KvmMmuOptions Options => kvm.Options;

    private KvmMemslots Memslots => kvm.Memslots;

    private StatCounters<MmuStat> Stats => kvm.Stats;

    private HostMemory Host => kvm.Host;

    private Rcu Rcu => kvm.Rcu;

    /// <summary>Records a broken invariant.</summary>
    public void Fail(string violation) => _violations.Add(violation);

    /// <summary>What was found.</summary>
    public MmuInvariantReport Report() => new(_violations, Tables, Leafs, Mmio);

    /// <summary>A non-present entry must be the non-present value or a well-formed MMIO SPTE (4K, its own GFN, no memslot if current); a frozen one outside an operation is a violation.</summary>
    public void CheckNonPresent(T spte, int asId, ulong gfn, int level, string where)
    {
        if (Spte<T>.IsShadowNonPresentValue(spte))
        {
            return;
        }

        if (Spte<T>.IsMmioSpte(Options.Mmio, spte))
        {
            Mmio++;
            var generation = spte.MmioGeneration;
            if (level != PgLevel.Pg4K)
            {
                Fail($"{where}: MMIO SPTE {spte} above 4K.");
            }
            else if (spte.Raw != Spte<T>.MakeMmioSpte(Options.Mmio, gfn, generation, SpteAccess.All).Raw)
            {
                Fail($"{where}: non-present SPTE {spte} (raw 0x{spte.Raw:X16}) matches the MMIO pattern but is not an MMIO SPTE for this GFN; a zap wrote something other than the non-present value?");
            }
            else if (generation == Memslots.MmioGeneration && Memslots.GfnToMemslot(asId, gfn) is { } slot)
            {
                Fail($"{where}: MMIO SPTE of the current generation for a GFN in {slot}.");
            }

            return;
        }

        Fail(spte.IsFrozen
            ? $"{where}: frozen SPTE left behind outside any operation."
            : $"{where}: non-present SPTE {spte} (raw 0x{spte.Raw:X16}) is not the non-present value 0x{T.NonPresentValue:X16}.");
    }

    /// <summary>A leaf maps, inside a memslot, the frame the host maps there, at a level leafs may have; writable implies MMU-writable implies host-writable; no writable leaf in a read-only slot.</summary>
    public void CheckLeaf(T spte, int asId, ulong gfn, int level, string where)
    {
        Leafs++;
        if (level > Options.MaxHugePageLevel)
        {
            Fail($"{where}: leaf above the largest page level.");
        }

        if (Spte<T>.CheckSpteWritableInvariants(spte) is { } broken)
        {
            Fail($"{where}: {broken}");
        }

        var pages = PgLevel.PagesPerHpage(level);
        var slot = Memslots.GfnToMemslot(asId, gfn);
        if (slot is null || gfn + pages > slot.EndGfn)
        {
            Fail($"{where}: leaf {spte} maps GFNs 0x{gfn:X}..0x{gfn + pages:X} outside every memslot.");
            return;
        }

        if (spte.Pfn != slot.HostPteOf(gfn).Pfn || (level > PgLevel.Pg4K && slot.Backing.AnyReplacedIn(slot.BackingIndex(gfn), slot.BackingIndex(gfn) + pages)))
        {
            Fail($"{where}: leaf maps host frame 0x{spte.Pfn:X}, but the host maps 0x{slot.HostPteOf(gfn).Pfn:X} there.");
        }

        if (slot.IsReadOnly && (spte.Raw & (T.PtWritableMask | T.ShadowHostWritableMask)) != 0)
        {
            Fail($"{where}: writable or host-writable leaf in read-only {slot}.");
        }
        else if ((spte.Raw & T.ShadowHostWritableMask) != 0 && !slot.HostPteOf(gfn).Writable)
        {
            Fail($"{where}: host-writable leaf over a page the host maps read-only (the zero page or a shared page).");
        }
    }

    /// <summary>The table count and the page counters match what the walk found.</summary>
    public void CountersMatch(int live, long[] pages)
    {
        if (Stats[MmuStat.TablesInUse] != live)
        {
            Fail($"the MMU's page count is {Stats[MmuStat.TablesInUse]}, but {live} tables are live.");
        }

        (MmuStat Stat, int Level)[] gauges = [(MmuStat.Pages4K, PgLevel.Pg4K), (MmuStat.Pages2M, PgLevel.Pg2M), (MmuStat.Pages1G, PgLevel.Pg1G)];
        foreach (var (stat, level) in gauges)
        {
            if (Stats[stat] != pages[level])
            {
                Fail($"{stat} is {Stats[stat]}, but {pages[level]} leafs of that size are present.");
            }
        }
    }

    /// <summary>Every host page-table page is live, awaiting its grace period or cached, and cached pages hold only the non-present value.</summary>
    public void CheckCaches(IReadOnlyCollection<MemoryCache<T>> caches, int live)
    {
        var cached = 0;
        foreach (var cache in caches)
        {
            foreach (var page in cache.Pages)
            {
                cached++;
                if (kvm.PageOf(page.Pfn) is not null)
                {
                    Fail($"cached page 0x{page.Pfn:X} is also a live table.");
                }

                foreach (var spte in page.Spt)
                {
                    if (!Spte<T>.IsShadowNonPresentValue(spte))
                    {
                        Fail($"cached page 0x{page.Pfn:X} holds {spte}, not only the non-present value.");
                        break;
                    }
                }
            }
        }

        var expected = live + Rcu.Pending + cached;
        if (Host.PageTablePagesInUse != expected)
        {
            Fail($"the host has {Host.PageTablePagesInUse} page-table pages in use, but {live} are live, {Rcu.Pending} await their grace period and {cached} are cached.");
        }
    }
}

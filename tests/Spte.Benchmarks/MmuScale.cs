using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System;
using Spte.Runtime.Formats;
using Spte.Runtime.Hardware;
using Spte.Runtime.Kernel;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Benchmarks;

/// <summary>
/// <c>mmu-scale</c>: the runtime's map, zap and full simulated fault (guest access → walk fails →
/// violation → fault → map → retried access) per page as the number of mapped pages grows, EPT
/// and NPT, dense and random gfns at 25 % density, with the same workloads, gfn sequences and
/// per-unit divisions as ../shared/anchors/tdp_ref.c so that the two can be set side by side.
/// Stopwatch loops, not BenchmarkDotNet: one pass per size is the measurement, as in the C
/// program, because a mapped table cannot be re-mapped without changing what is measured.
/// </summary>
internal static class MmuScale
{
    public static readonly int[] Sizes = [1000, 10000, 100000, 1000000];

    /// <summary>Passes per size and workload; each figure is the best (lowest) of them, as the C side is the best of its runs.</summary>
    public const int Passes = 2;

    public static void Run(string csvPath, IReadOnlyList<string> cOutputPaths)
    {
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}");

        // Warm-up: JIT compilation, first-touch allocations and (with tiering on) tier-up happen before anything is timed.
        for (var i = 0; i < 3; i++)
        {
            Measure<EptSpte>("EPT", 20000, dense: i % 2 == 0, Ept, quiet: true);
            Measure<NptSpte>("NPT", 20000, dense: i % 2 == 0, Npt, quiet: true);
        }

        var rows = new List<MmuScaleRow>();
        foreach (var dense in new[] { true, false })
        {
            foreach (var n in Sizes)
            {
                rows.Add(Best(Enumerable.Range(0, Passes).Select(_ => Timed(() => Measure<EptSpte>("EPT", n, dense, Ept, quiet: false)))));
                rows.Add(Best(Enumerable.Range(0, Passes).Select(_ => Timed(() => Measure<NptSpte>("NPT", n, dense, Npt, quiet: false)))));
            }
        }

        PrintTableAllocation();
        PrintPrimitives();
        // A path is tdp_ref.c's output, or tdp_kvm_sync.c's when written "C-sync=path".
        var c = cOutputPaths
            .SelectMany(arg => arg.StartsWith(CReference.KvmSync + "=", StringComparison.Ordinal)
                ? CReference.Parse(File.ReadAllLines(arg[(CReference.KvmSync.Length + 1)..]), CReference.KvmSync)
                : CReference.Parse(File.ReadAllLines(arg), CReference.Plain))
            .GroupBy(r => (r.Impl, r.Density, r.Pages))
            .Select(Best);
        rows.AddRange(c);
        File.WriteAllLines(csvPath, [MmuScaleRow.CsvHeader, .. rows.Select(r => r.ToCsv())]);
        PrintRatios(rows);
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}; wrote {csvPath}");
    }

    /// <summary>
    /// One timed pass, after a full collection: the previous pass's rig (up to millions of tables
    /// and pages) is garbage, and a collection of it inside the next, small pass made the first
    /// figure timed (EPT dense 1K) an outlier of 0.3-6 us per fault.
    /// </summary>
    private static MmuScaleRow Timed(Func<MmuScaleRow> pass)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return pass();
    }

    /// <summary>The lowest of each figure over several passes of one implementation, workload and size.</summary>
    private static MmuScaleRow Best(IEnumerable<MmuScaleRow> passes)
    {
        var all = passes.ToList();
        return all[0] with
        {
            MapNs = all.Min(r => r.MapNs),
            MapStepNs = all.Min(r => r.MapStepNs),
            ZapNs = all.Min(r => r.ZapNs),
            FaultNs = all.Min(r => r.FaultNs),
            WalkNs = all.Min(r => r.WalkNs),
        };
    }

    private static MmuRig<EptSpte> Ept(ulong pages) =>
        new(pages, MmioSpteMask.Vmx, host => new EptWalker(host, new EptCapabilities(), veInfo: null));

    private static MmuRig<NptSpte> Npt(ulong pages) =>
        new(pages, MmioSpteMask.Npt(46), host => new NptWalker(host, new NptCapabilities()));

    /// <summary>tdp_ref.c's gfn sequence: xorshift64 from the same seed, <c>i</c> when dense, <c>x % 4n</c> otherwise.</summary>
    public static ulong[] Gfns(int n, bool dense)
    {
        var gfns = new ulong[n];
        var x = 88172645463325252UL;
        for (var i = 0; i < n; i++)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            gfns[i] = dense ? (ulong)i : x % (4 * (ulong)n);
        }

        return gfns;
    }

    private static MmuScaleRow Measure<T>(string impl, int n, bool dense, Func<ulong, MmuRig<T>> create, bool quiet)
        where T : struct, IKvmSpte<T>
    {
        var gfns = Gfns(n, dense);
        var slotPages = dense ? (ulong)n : 4 * (ulong)n;
        var density = dense ? "dense" : "random25";

        // Map (the fault handler, as KVM maps a page only from a fault) and zap of every leaf.
        var rig = create(slotPages);
        var tablesBefore = rig.Host.PageTablePagesInUse;
        var bytesBefore = GC.GetAllocatedBytesForCurrentThread();
        var t0 = Stopwatch.GetTimestamp();
        foreach (var gfn in gfns)
        {
            rig.Fault(gfn, PageFaultErrorCode.User);
        }

        var t1 = Stopwatch.GetTimestamp();
        var mapBytes = GC.GetAllocatedBytesForCurrentThread() - bytesBefore;
        rig.Mmu.ZapGfnRange(0, 0, slotPages);
        var t2 = Stopwatch.GetTimestamp();
        var leafs = gfns.Distinct().Count();
        var mapNs = Ns(t0, t1) / n;
        var zapNs = Ns(t1, t2) / leafs;
        var tables = rig.Host.PageTablePagesInUse - tablesBefore;

        // The map step alone on a fresh VM: faultin resolved beforehand, the MMU read lock held
        // around the pass (the caller's, in KVM), so what is timed is kvm_tdp_mmu_map per page.
        rig = create(slotPages);
        var faults = Array.ConvertAll(gfns, rig.Faultin);
        var stepBytesBefore = GC.GetAllocatedBytesForCurrentThread();
        var s0 = Stopwatch.GetTimestamp();
        using (rig.Mmu.ReadLock())
        {
            for (var i = 0; i < faults.Length; i++)
            {
                rig.Map(ref faults[i]);
            }
        }

        var mapStepNs = Ns(s0, Stopwatch.GetTimestamp()) / n;
        var stepBytes = GC.GetAllocatedBytesForCurrentThread() - stepBytesBefore;

        // The full path on a fresh VM; then a re-walk of every mapped gfn (the walk alone).
        rig = create(slotPages);
        var violations = 0;
        var sink = 0UL;
        var t3 = Stopwatch.GetTimestamp();
        foreach (var gfn in gfns)
        {
            var gpa = (gfn << HostMemory.PageShift) | 0x10;
            var walk = rig.Walk(gpa);
            if (walk.Outcome != TdpWalkOutcome.Translated)
            {
                violations++;
                rig.Fault(gfn, ErrorCode(walk));
                walk = rig.Walk(gpa);
                if (walk.Outcome != TdpWalkOutcome.Translated)
                {
                    throw new InvalidOperationException($"retry at 0x{gpa:X} did not translate: {walk.Outcome}");
                }
            }

            sink ^= walk.Hpa;
        }

        var t4 = Stopwatch.GetTimestamp();
        foreach (var gfn in gfns)
        {
            sink ^= rig.Walk(gfn << HostMemory.PageShift).Hpa;
        }

        var t5 = Stopwatch.GetTimestamp();
        var faultNs = Ns(t3, t4) / violations;
        var walkNs = Ns(t4, t5) / n;

        // Where a full fault's time goes, timed piece by piece on a third fresh VM.
        var breakdown = Breakdown(create(slotPages), gfns);
        if (!quiet)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{impl} {density} n={n} map {mapNs:F1} ns/page map step {mapStepNs:F1} ns/page zap {zapNs:F1} ns/leaf fault {faultNs:F1} ns/fault walk {walkNs:F1} ns/access " +
                $"| breakdown ns/fault: failing walk {breakdown.FailingWalk:F1}, fault handler {breakdown.Handler:F1}, retried walk {breakdown.RetriedWalk:F1} (clock read {breakdown.ClockRead:F1} subtracted) " +
                $"| tables {tables}, {(double)mapBytes / n:F1} B allocated per map ({(double)stepBytes / n:F1} per map step), violations {violations}, sink {(sink >> 12) & 0xff:x}"));
        }

        return new MmuScaleRow(impl, density, n, mapNs, mapStepNs, zapNs, faultNs, walkNs);
    }

    private static PageFaultErrorCode ErrorCode(TdpWalkResult walk) => walk.Outcome switch
    {
        // handle_ept_violation: a read access is reported as a user read, as KvmVcpu does.
        TdpWalkOutcome.EptViolation => PageFaultErrorCode.User,
        TdpWalkOutcome.NestedPageFault => walk.ErrorCode,
        _ => throw new InvalidOperationException($"unexpected exit {walk.Outcome}"),
    };

    private readonly record struct FaultBreakdown(double FailingWalk, double Handler, double RetriedWalk, double ClockRead);

    /// <summary>
    /// The full path with a timestamp between its pieces. Each timestamp read costs time itself;
    /// each piece includes one read, whose cost is measured and subtracted.
    /// </summary>
    private static FaultBreakdown Breakdown<T>(MmuRig<T> rig, ulong[] gfns)
        where T : struct, IKvmSpte<T>
    {
        const int reads = 200000;
        var c0 = Stopwatch.GetTimestamp();
        for (var i = 0; i < reads; i++)
        {
            _ = Stopwatch.GetTimestamp();
        }

        var clockRead = Ns(c0, Stopwatch.GetTimestamp()) / reads;
        long failing = 0, handler = 0, retried = 0;
        var violations = 0;
        foreach (var gfn in gfns)
        {
            var gpa = gfn << HostMemory.PageShift;
            var a = Stopwatch.GetTimestamp();
            var walk = rig.Walk(gpa);
            var b = Stopwatch.GetTimestamp();
            if (walk.Outcome == TdpWalkOutcome.Translated)
            {
                continue;
            }

            rig.Fault(gfn, ErrorCode(walk));
            var c = Stopwatch.GetTimestamp();
            rig.Walk(gpa);
            var d = Stopwatch.GetTimestamp();
            failing += b - a;
            handler += c - b;
            retried += d - c;
            violations++;
        }

        return new FaultBreakdown(
            (Ns(0, failing) / violations) - clockRead,
            (Ns(0, handler) / violations) - clockRead,
            (Ns(0, retried) / violations) - clockRead,
            clockRead);
    }

    /// <summary>
    /// What one page table costs the memory cache's top-up (taking a frame and the non-present
    /// fill): from fresh host memory (allocated and first touched on demand), from memory
    /// populated beforehand (as the C reference's pool and KVM's resident pages are), and from
    /// tables freed earlier (the RCU-freed tables the runtime reuses).
    /// </summary>
    private static void PrintTableAllocation()
    {
        const int tables = 40 * 1000;
        var fresh = new HostMemory(pageTableBudget: tables + 64, maxPhyAddr: 46);
        var freshNs = Topups(fresh, tables);
        var populated = new HostMemory(pageTableBudget: tables + 64, maxPhyAddr: 46);
        populated.PopulatePageTables<EptSpte>(tables);
        var populatedNs = Topups(populated, tables);
        var reusedNs = Topups(populated, tables);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"table allocation (MemoryCache.Topup), ns per 512-entry table: fresh host memory {freshNs:F1}, populated {populatedNs:F1}, reused after free {reusedNs:F1}"));
    }

    /// <summary>Tops up caches until <paramref name="tables"/> tables are held, frees them all, and returns the ns per table of the top-ups.</summary>
    private static double Topups(HostMemory host, int tables)
    {
        var caches = new List<MemoryCache<EptSpte>>();
        var t0 = Stopwatch.GetTimestamp();
        for (var i = 0; i < tables / MemoryCache<EptSpte>.DefaultCapacity; i++)
        {
            var cache = new MemoryCache<EptSpte>(host);
            cache.Topup(1);
            caches.Add(cache);
        }

        var ns = Ns(t0, Stopwatch.GetTimestamp()) / caches.Sum(c => c.Count);
        foreach (var cache in caches)
        {
            cache.FreeAll();
        }

        return ns;
    }

    /// <summary>
    /// What the fault handler's and the walk's synchronisation costs per use on this machine, in
    /// isolation: each full fault takes three RCU read sections (failing walk, map, retried walk),
    /// one RCU poll, one shared MMU lock and a few counter updates. ReaderWriterLockSlim, which
    /// the MMU lock was before, is timed alongside for comparison.
    /// </summary>
    private static void PrintPrimitives()
    {
        const int n = 1_000_000;
        var rcu = new Rcu();
        var rwLock = new System.Threading.ReaderWriterLockSlim();
        var counter = 0L;
        var t0 = Stopwatch.GetTimestamp();
        for (var i = 0; i < n; i++)
        {
            using (rcu.ReadLock())
            {
            }
        }

        var t1 = Stopwatch.GetTimestamp();
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < n; i++)
        {
            rcu.Poll();
        }

        var pollBytes = (double)(GC.GetAllocatedBytesForCurrentThread() - bytes) / n;
        var t2 = Stopwatch.GetTimestamp();
        for (var i = 0; i < n; i++)
        {
            rwLock.EnterReadLock();
            rwLock.ExitReadLock();
        }

        var t3 = Stopwatch.GetTimestamp();
        for (var i = 0; i < n; i++)
        {
            System.Threading.Interlocked.Increment(ref counter);
        }

        var t4 = Stopwatch.GetTimestamp();
        var mmuLock = new MmuLock();
        for (var i = 0; i < n; i++)
        {
            MmuLock.ExitRead(mmuLock.EnterRead());
        }

        var t5 = Stopwatch.GetTimestamp();
        var stats = new StatCounters<MmuStat>();
        for (var i = 0; i < n; i++)
        {
            stats.Increment(MmuStat.PfTaken);
        }

        var t6 = Stopwatch.GetTimestamp();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"primitives, ns per use: Rcu.ReadLock+Dispose {Ns(t0, t1) / n:F1}, Rcu.Poll (nothing queued) {Ns(t1, t2) / n:F1} ({pollBytes:F0} B allocated), " +
            $"MmuLock read enter+exit {Ns(t4, t5) / n:F1} (ReaderWriterLockSlim, used before, {Ns(t2, t3) / n:F1}), Interlocked.Increment {Ns(t3, t4) / n:F1}, " +
            $"StatCounters.Increment (per-thread, plain) {Ns(t5, t6) / n:F1}"));
    }

    private static void PrintRatios(List<MmuScaleRow> rows)
    {
        foreach (var reference in new[] { CReference.Plain, CReference.KvmSync })
        {
            var c = rows.Where(r => r.Impl == reference).ToDictionary(r => (r.Density, r.Pages));
            if (c.Count == 0)
            {
                continue;
            }

            Console.WriteLine($"ratios runtime/{reference} (map = fault handler, map step = kvm_tdp_mmu_map, zap, full fault, walk):");
            foreach (var r in rows.Where(r => r.Impl is not (CReference.Plain or CReference.KvmSync) && c.ContainsKey((r.Density, r.Pages))))
            {
                var x = c[(r.Density, r.Pages)];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {r.Impl} {r.Density} n={r.Pages}: map {r.MapNs / x.MapNs:F2} map step {r.MapStepNs / x.MapNs:F2} zap {r.ZapNs / x.ZapNs:F2} fault {r.FaultNs / x.FaultNs:F2} walk {r.WalkNs / x.WalkNs:F2}"));
            }
        }

        Console.WriteLine("growth 1K -> 1M (fault ns at 1M / at 1K; map; zap):");
        foreach (var g in rows.GroupBy(r => (r.Impl, r.Density)))
        {
            var small = g.Single(r => r.Pages == Sizes[0]);
            var large = g.Single(r => r.Pages == Sizes[^1]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {g.Key.Impl} {g.Key.Density}: fault {large.FaultNs / small.FaultNs:F2}, map {large.MapNs / small.MapNs:F2}, zap {large.ZapNs / small.ZapNs:F2}"));
        }
    }

    private static double Ns(long from, long to) => (to - from) * 1e9 / Stopwatch.Frequency;
}

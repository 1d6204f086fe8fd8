using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Spte.Runtime.Formats;
using Spte.Runtime.Hardware;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Benchmarks;

/// <summary>
/// `mmu-legacy`: the legacy MMU (<c>kvm.tdp_mmu=N</c>) beside the TDP MMU on mmu-scale's
/// workloads (the same gfn sequences, 4K leaves, 1K to 1M pages): the fault handler per page
/// (and the shadow-paging handler, <c>npt=N</c>, on a guest that identity-maps its RAM),
/// the zap per leaf (the legacy one through the rmaps) and the full fault (failing walk, fault,
/// retried walk). A Stopwatch loop like mmu-scale, best of two passes per figure.
/// </summary>
internal static class MmuLegacy
{
    private const int Passes = 2;

    public static void Run()
    {
        for (var i = 0; i < 3; i++)
        {
            Measure<EptSpte>(20000, dense: i % 2 == 0, tdpMmu: i % 2 == 0, Ept);
        }

        Console.WriteLine("impl density pages | handler ns/page TDP legacy shadow-paging | zap ns/leaf TDP legacy | full fault ns TDP legacy");
        foreach (var dense in new[] { true, false })
        {
            foreach (var n in MmuScale.Sizes)
            {
                Row("EPT", n, dense, Ept);
                Row("NPT", n, dense, Npt);
            }
        }
    }

    private static void Row<T>(string impl, int n, bool dense, Func<ulong, bool, MmuRig<T>> create)
        where T : struct, IKvmSpte<T>
    {
        var tdp = Best(Enumerable.Range(0, Passes).Select(_ => Measure(n, dense, tdpMmu: true, create)));
        var legacy = Best(Enumerable.Range(0, Passes).Select(_ => Measure(n, dense, tdpMmu: false, create)));
        var shadow = Enumerable.Range(0, Passes).Min(_ => MeasureShadow(n, dense));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{impl} {(dense ? "dense" : "random25")} {n} | {tdp.Handler:F1} {legacy.Handler:F1} {shadow:F1} | {tdp.Zap:F1} {legacy.Zap:F1} | {tdp.Fault:F1} {legacy.Fault:F1}"));
    }

    private static (double Handler, double Zap, double Fault) Best((double Handler, double Zap, double Fault)[] runs) =>
        (runs.Min(static r => r.Handler), runs.Min(static r => r.Zap), runs.Min(static r => r.Fault));

    private static (double Handler, double Zap, double Fault) Best(System.Collections.Generic.IEnumerable<(double, double, double)> runs) => Best([.. runs]);

    private static (double Handler, double Zap, double Fault) Measure<T>(int n, bool dense, bool tdpMmu, Func<ulong, bool, MmuRig<T>> create)
        where T : struct, IKvmSpte<T>
    {
        GC.Collect();
        var gfns = MmuScale.Gfns(n, dense);
        var slotPages = dense ? (ulong)n : 4 * (ulong)n;

        var rig = create(slotPages, tdpMmu);
        var t0 = Stopwatch.GetTimestamp();
        foreach (var gfn in gfns)
        {
            rig.Fault(gfn, PageFaultErrorCode.User);
        }

        var t1 = Stopwatch.GetTimestamp();
        rig.Mmu.ZapGfnRange(0, 0, slotPages);
        var t2 = Stopwatch.GetTimestamp();
        var leafs = gfns.Distinct().Count();

        rig = create(slotPages, tdpMmu);
        var violations = 0;
        var t3 = Stopwatch.GetTimestamp();
        foreach (var gfn in gfns)
        {
            var gpa = gfn << HostMemory.PageShift;
            var walk = rig.Walk(gpa);
            if (walk.Outcome != TdpWalkOutcome.Translated)
            {
                violations++;
                rig.Fault(gfn, walk.Outcome == TdpWalkOutcome.NestedPageFault ? walk.ErrorCode : PageFaultErrorCode.User);
                if (rig.Walk(gpa).Outcome != TdpWalkOutcome.Translated)
                {
                    throw new InvalidOperationException($"retry at 0x{gpa:X} did not translate");
                }
            }
        }

        var t4 = Stopwatch.GetTimestamp();
        return (Ns(t0, t1) / n, Ns(t1, t2) / leafs, Ns(t3, t4) / violations);
    }

    /// <summary>
    /// The shadow-paging fault handler per page (<c>FNAME(page_fault)</c>: the guest's walk,
    /// faultin, <c>FNAME(fetch)</c>) on the same gfn sequence, the guest identity-mapping its RAM
    /// with 4K pages. The format is the x86 one whichever row it is printed in.
    /// </summary>
    private static double MeasureShadow(int n, bool dense)
    {
        GC.Collect();
        var gfns = MmuScale.Gfns(n, dense);
        var rig = new ShadowRig(dense ? (ulong)n : 4 * (ulong)n);
        var t0 = Stopwatch.GetTimestamp();
        foreach (var gfn in gfns)
        {
            rig.Fault(gfn);
        }

        return Ns(t0, Stopwatch.GetTimestamp()) / n;
    }

    private static double Ns(long from, long to) => (to - from) * 1e9 / Stopwatch.Frequency;

    private static MmuRig<EptSpte> Ept(ulong pages, bool tdpMmu) =>
        new(pages, MmioSpteMask.Vmx, host => new EptWalker(host, new EptCapabilities(), veInfo: null), tdpMmu);

    private static MmuRig<NptSpte> Npt(ulong pages, bool tdpMmu) =>
        new(pages, MmioSpteMask.Npt(46), host => new NptWalker(host, new NptCapabilities()), tdpMmu);
}

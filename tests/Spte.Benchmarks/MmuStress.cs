using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Spte.Benchmarks.Stress;
using Spte.Runtime.Formats;
using Spte.Runtime.Hardware;
using Spte.Runtime.Mmu.Spte;

namespace Spte.Benchmarks;

/// <summary>
/// <c>mmu-stress [--gib N] [--slot-gib N] [--threads N] [--ops N] [--seed N] [--hugepages] [--npt]</c>: KVM's
/// mmu_stress_test on the model (see Stress/MmuStressRun.cs). Prints one line per stage as it
/// ends, then per-stage totals; exits 1 on any invariant violation, leaked table, broken
/// expectation or error.
/// </summary>
internal static class MmuStress
{
    public static int Run(IReadOnlyList<string> args)
    {
        var (options, npt) = Parse(args);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mmu-stress: {options.SlotCount} slots x {options.SlotBytes >> 20} MiB = {options.GuestPages * 4096 >> 30} GiB of guest from 4 GiB, one {options.SlotBytes >> 20} MiB host mapping behind every slot, " +
            $"{options.Threads} vCPUs, {(npt ? "NPT" : "EPT")}, {(options.HugePages ? "2M huge pages" : "4K")}, target {options.Ops:N0} ops, seed {options.Seed}; load average {File.ReadAllText("/proc/loadavg").Trim()}"));
        var report = npt
            ? new MmuStressRun<NptSpte>(options, MmioSpteMask.Npt(46), host => new NptWalker(host, new NptCapabilities())).Execute(Print)
            : new MmuStressRun<EptSpte>(options, MmioSpteMask.Vmx, host => new EptWalker(host, new EptCapabilities(), veInfo: null)).Execute(Print);
        Summarize(report);
        return report.Ok ? 0 : 1;
    }

    private static (MmuStressOptions Options, bool Npt) Parse(IReadOnlyList<string> args)
    {
        var options = new MmuStressOptions();
        var npt = false;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => ++i < args.Count ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value");
            switch (args[i])
            {
                case "--gib":
                    options = options with { GuestBytes = (ulong)Number(Value()) << 30 };
                    break;
                case "--slot-gib":
                    options = options with { SlotBytes = (ulong)Number(Value()) << 30 };
                    break;
                case "--threads":
                    options = options with { Threads = (int)Number(Value()) };
                    break;
                case "--ops":
                    options = options with { Ops = Number(Value()) };
                    break;
                case "--seed":
                    options = options with { Seed = (int)Number(Value()) };
                    break;
                case "--hugepages":
                    options = options with { HugePages = true };
                    break;
                case "--npt":
                    npt = true;
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i]}; usage: mmu-stress [--gib N] [--slot-gib N] [--threads N] [--ops N] [--seed N] [--hugepages] [--npt]");
            }
        }

        options.Validate();
        return (options, npt);
    }

    /// <summary>An integer, also written as 1e8.</summary>
    private static long Number(string text) => long.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static void Print(MmuStressStageResult r) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"round {r.Round} {Name(r.Stage),-13} {r.Ops,13:N0} ops {r.Elapsed.TotalSeconds,7:F2} s {Rate(r.Ops, r.Elapsed),12:N0} ops/s | faults {r.Faults:N0} (fast {r.FastFaults:N0}, retry {r.Retries:N0}, frozen {r.FrozenSeen:N0}, mmio {r.MmioExits:N0}, stale mmio {r.StaleMmioSptes:N0}, enomem {r.Enomem:N0}, recovered {r.Recovered:N0}) " +
        $"| check {r.CheckTime.TotalSeconds:F2} s, violations {r.Violations}, leaked {r.Leaked}, peak WS {r.PeakWorkingSet >> 20} MiB{(r.Failures.Count > 0 ? " | FAILED: " + string.Join("; ", r.Failures.Take(3)) : string.Empty)}"));

    private static void Summarize(MmuStressReport report)
    {
        Console.WriteLine();
        Console.WriteLine("| stage | runs | ops | elapsed s | ops/s | faults | fast | retries | frozen seen | MMIO exits | stale MMIO | ENOMEM | recovered | check s | violations | leaked | peak WS MiB |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var g in report.Stages.GroupBy(static s => s.Stage))
        {
            var elapsed = TimeSpan.FromTicks(g.Sum(static s => s.Elapsed.Ticks));
            var ops = g.Sum(static s => s.Ops);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {Name(g.Key)} | {g.Count()} | {ops:N0} | {elapsed.TotalSeconds:F1} | {Rate(ops, elapsed):N0} | {g.Sum(static s => s.Faults):N0} | {g.Sum(static s => s.FastFaults):N0} | {g.Sum(static s => s.Retries):N0} | {g.Sum(static s => s.FrozenSeen):N0} | " +
                $"{g.Sum(static s => s.MmioExits):N0} | {g.Sum(static s => s.StaleMmioSptes):N0} | {g.Sum(static s => s.Enomem):N0} | {g.Sum(static s => s.Recovered):N0} | {g.Sum(static s => s.CheckTime.TotalSeconds):F1} | {g.Sum(static s => s.Violations)} | {g.Sum(static s => s.Leaked)} | {g.Max(static s => s.PeakWorkingSet) >> 20} |"));
        }

        var work = TimeSpan.FromTicks(report.Stages.Sum(static s => s.Elapsed.Ticks));
        var peak = report.Stages.Count > 0 ? report.Stages.Max(static s => s.PeakWorkingSet) : 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"total: {report.Ops:N0} ops in {report.Elapsed.TotalSeconds:F1} s ({Rate(report.Ops, report.Elapsed):N0} ops/s; {Rate(report.Ops, work):N0} ops/s over the stages' work, checks excluded), " +
            $"violations {report.Violations}, leaked tables {report.Leaked}, peak working set {peak >> 20} MiB, working set now {Environment.WorkingSet >> 20} MiB; load average {File.ReadAllText("/proc/loadavg").Trim()}"));
        foreach (var failure in report.Failures.Take(20))
        {
            Console.WriteLine($"FAILED {failure}");
        }

        if (report.Fatal is not null)
        {
            Console.WriteLine($"STOPPED {report.Fatal}");
        }

        Console.WriteLine(report.Ok ? "PASS" : "FAIL");
    }

    private static double Rate(long ops, TimeSpan elapsed) => elapsed > TimeSpan.Zero ? ops / elapsed.TotalSeconds : 0;

    private static string Name(MmuStressStage stage) => stage switch
    {
        MmuStressStage.FaultIn => "fault-in",
        MmuStressStage.Reset => "reset+rewrite",
        MmuStressStage.WriteProtect => "write-protect",
        MmuStressStage.Rewrite => "rewrite",
        MmuStressStage.Zap => "zap",
        MmuStressStage.Enomem => "enomem",
        MmuStressStage.Memslots => "memslots",
        _ => "teardown",
    };
}

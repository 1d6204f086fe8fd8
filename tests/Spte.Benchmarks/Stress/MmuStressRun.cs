using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using Spte.Runtime.Hardware;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;

namespace Spte.Benchmarks.Stress;

/// <summary>
/// The machinery of <c>mmu-stress</c>: vCPU threads and the host (this thread) meet at a
/// rendezvous before each stage and after each of its segments, as the test's vCPUs rendezvous
/// with its main thread. Within a segment the vCPUs run their passes while the host does that
/// segment's MMU operation, so every operation overlaps faults on other threads. After each
/// stage, with every vCPU waiting, the host runs the invariant walk and counts leaked tables.
/// The stages themselves are in MmuStressStages.cs.
/// </summary>
internal sealed partial class MmuStressRun<T>
    where T : struct, IKvmSpte<T>
{
    private readonly MmuStressOptions _options;
    private readonly MmuStressVcpu<T>[] _vcpus;
    private readonly Barrier _rendezvous;
    private readonly CancellationTokenSource _abort = new();
    private readonly AllocationFailureWindow<T> _window;
    private readonly Random _random;
    private VcpuWork? _work;
    private long _hostOps;
    private string? _fatal;

    public MmuStressRun(MmuStressOptions options, MmioSpteMask mmio, Func<HostMemory, ITdpWalker> walker)
    {
        _options = options;
        Vm = new MmuStressVm<T>(options, mmio);
        _random = new Random(options.Seed);
        _rendezvous = new Barrier(options.Threads + 1);
        _window = new AllocationFailureWindow<T>(Vm.Host, options.Threads);

        // The test's spawn_workers: equal page-aligned shares from the first slot up.
        var share = options.GuestPages / (ulong)options.Threads * HostMemory.PageSize;
        _vcpus = [.. Enumerable.Range(0, options.Threads).Select(i =>
        {
            var first = MmuStressOptions.FirstGpa + ((ulong)i * share);
            return new MmuStressVcpu<T>(Vm.Mmu, walker(Vm.Host), first, first + share);
        })];
    }

    public MmuStressVm<T> Vm { get; }

    /// <summary>Pages the vCPUs access: their shares together (the remainder of an uneven split is left out, as in the test).</summary>
    private ulong CoveredPages => (ulong)_vcpus.Sum(static v => (long)(v.EndGpa - v.FirstGpa)) / HostMemory.PageSize;

    private IReadOnlyCollection<MemoryCache<T>> Caches => _window.IsOpen ? [.. _vcpus.Select(static v => v.Cache), _window.Hog] : [.. _vcpus.Select(static v => v.Cache)];

    /// <summary>Runs whole rounds until the operation target is reached, then tears the VM down; <paramref name="progress"/> sees each stage as it ends.</summary>
    public MmuStressReport Execute(Action<MmuStressStageResult>? progress = null)
    {
        var total = Stopwatch.StartNew();
        var threads = _vcpus.Select((v, i) => new Thread(() => VcpuThread(v)) { IsBackground = true, Name = $"vcpu{i}" }).ToList();
        threads.ForEach(static t => t.Start());
        var results = new List<MmuStressStageResult>();
        void Add(MmuStressStageResult result)
        {
            results.Add(result);
            progress?.Invoke(result);
        }

        var round = 0;
        try
        {
            for (; round == 0 || results.Sum(static r => r.Ops) < _options.Ops; round++)
            {
                RunRound(round, Add);
            }

            _work = null;
            _rendezvous.SignalAndWait(_abort.Token);
        }
        catch (OperationCanceledException)
        {
            // A vCPU failed and cancelled the run; its error is in _fatal.
        }
        catch (Exception e)
        {
            Fail(e);
        }

        threads.ForEach(static t => t.Join());
        if (_fatal is null)
        {
            Add(Teardown(Math.Max(0, round - 1)));
        }

        return new MmuStressReport(results, total.Elapsed, _fatal);
    }

    private void VcpuThread(MmuStressVcpu<T> vcpu)
    {
        try
        {
            while (true)
            {
                _rendezvous.SignalAndWait(_abort.Token);
                if (_work is not { } work)
                {
                    return;
                }

                if (work.ResetContext)
                {
                    vcpu.ResetContext();
                }

                for (var segment = 0; segment < work.Segments; segment++)
                {
                    var (first, end) = Share(vcpu, segment, work.Segments);
                    vcpu.Pass(first, end, work.Kind, work.Window, _abort.Token);
                    _rendezvous.SignalAndWait(_abort.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Another thread failed.
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    private void Fail(Exception e)
    {
        Interlocked.CompareExchange(ref _fatal, $"{Thread.CurrentThread.Name ?? "host"}: {e}", null);
        _abort.Cancel();
    }

    /// <summary>Segment <paramref name="segment"/> of <paramref name="segments"/> of a vCPU's share.</summary>
    private static (ulong First, ulong End) Share(MmuStressVcpu<T> vcpu, int segment, int segments)
    {
        var pages = (vcpu.EndGpa - vcpu.FirstGpa) / HostMemory.PageSize;
        var first = vcpu.FirstGpa + ((ulong)segment * (pages / (ulong)segments) * HostMemory.PageSize);
        return (first, segment == segments - 1 ? vcpu.EndGpa : first + (pages / (ulong)segments * HostMemory.PageSize));
    }

    /// <summary>
    /// One stage: the vCPUs do <paramref name="work"/> segment by segment while the host does
    /// <paramref name="host"/> for each segment; then, all quiet, the checks and
    /// <paramref name="expect"/> on what the counters moved by.
    /// </summary>
    private MmuStressStageResult RunStage(MmuStressStage stage, int round, VcpuWork work, Action<int, StageLog>? host, Action<Counters, StageLog> expect)
    {
        var log = new StageLog();
        var before = Read();
        var clock = Stopwatch.StartNew();
        _work = work;
        _rendezvous.SignalAndWait(_abort.Token);
        for (var segment = 0; segment < work.Segments; segment++)
        {
            host?.Invoke(segment, log);
            _rendezvous.SignalAndWait(_abort.Token);
        }

        var elapsed = clock.Elapsed;
        Check(log);
        var delta = Read() - before;
        expect(delta, log);
        return Result(stage, round, delta, elapsed, log);
    }

    /// <summary>The invariant walk and the leak count, with every vCPU quiet.</summary>
    private void Check(StageLog log)
    {
        var clock = Stopwatch.StartNew();
        var (report, leaked) = Vm.Check(Caches);
        log.Violations += report.Violations.Count;
        log.Failures.AddRange(report.Violations.Take(3));
        log.Leaked += leaked;
        log.Expect(leaked == 0, $"{leaked} page tables leaked");
        log.CheckTime += clock.Elapsed;
    }

    private MmuStressStageResult Result(MmuStressStage stage, int round, Counters delta, TimeSpan elapsed, StageLog log)
    {
        using var process = Process.GetCurrentProcess();
        return new MmuStressStageResult(
            stage, round, delta.Accesses + delta.HostOps, delta.Faults, delta.FastFaults, delta.Retries, delta.MmioExits, delta.StaleMmioSptes, delta.FrozenSeen, delta.Enomem, delta.Recovered,
            elapsed, log.CheckTime, log.Violations, log.Leaked, process.PeakWorkingSet64, log.Failures);
    }

    private Counters Read()
    {
        var stats = Vm.Mmu.Stats;
        return new Counters(
            _vcpus.Sum(static v => v.Accesses), _vcpus.Sum(static v => v.Faults), _vcpus.Sum(static v => v.MmioExits), _vcpus.Sum(static v => v.Enomem), _vcpus.Sum(static v => v.Recovered),
            stats[MmuStat.PfFast], stats[MmuStat.PfRetry], stats[MmuStat.MmioSpteStale], stats[MmuStat.FrozenSpteSeen], stats[MmuStat.SptesZapped], _hostOps);
    }

    /// <summary>What the vCPUs do in a stage: access every page of their share with <paramref name="Kind"/>, in <paramref name="Segments"/> pieces.</summary>
    private sealed record VcpuWork(GuestAccessKind Kind, int Segments, bool ResetContext = false, AllocationFailureWindow<T>? Window = null);

    /// <summary>Counters summed over the vCPUs and the MMU; subtracting two gives what a stage did.</summary>
    private readonly record struct Counters(long Accesses, long Faults, long MmioExits, long Enomem, long Recovered, long FastFaults, long Retries, long StaleMmioSptes, long FrozenSeen, long SptesZapped, long HostOps)
    {
        public static Counters operator -(Counters a, Counters b) => new(
            a.Accesses - b.Accesses, a.Faults - b.Faults, a.MmioExits - b.MmioExits, a.Enomem - b.Enomem, a.Recovered - b.Recovered,
            a.FastFaults - b.FastFaults, a.Retries - b.Retries, a.StaleMmioSptes - b.StaleMmioSptes, a.FrozenSeen - b.FrozenSeen, a.SptesZapped - b.SptesZapped, a.HostOps - b.HostOps);
    }

    /// <summary>What a stage's checks found.</summary>
    private sealed class StageLog
    {
        public List<string> Failures { get; } = [];

        public int Violations { get; set; }

        public long Leaked { get; set; }

        public TimeSpan CheckTime { get; set; }

        public void Expect(bool holds, string what)
        {
            if (!holds)
            {
                Failures.Add(what);
            }
        }
    }
}

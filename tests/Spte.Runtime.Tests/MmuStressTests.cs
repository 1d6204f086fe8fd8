using System;
using System.Linq;
using Spte.Benchmarks.Stress;
using Spte.Runtime.Formats;
using Spte.Runtime.Hardware;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu.Spte;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>
/// The mmu-stress driver (tests/Spte.Benchmarks/Stress, linked in) at a tiny size: every stage
/// of a round runs with two vCPU threads, and what the driver reports is checked here, so a
/// driver that stopped checking, or an MMU that broke under it, fails.
/// </summary>
public abstract class MmuStressTests<T>
    where T : struct, IKvmSpte<T>
{
    private const ulong MiB = 1UL << 20;

    /// <summary>
    /// Eight 32 MiB slots over one 32 MiB host mapping, two vCPUs of 128 MiB each: 64 last-level
    /// tables per vCPU, more than a full memory cache holds, so the ENOMEM window is reached.
    /// </summary>
    private protected static readonly MmuStressOptions Tiny = new() { GuestBytes = 256 * MiB, SlotBytes = 32 * MiB, Threads = 2, Ops = 1 };

    protected abstract MmioSpteMask Mmio { get; }

    private protected abstract ITdpWalker Walker(HostMemory host);

    [Fact]
    public void One_round_of_every_stage_keeps_the_invariants_and_leaks_no_table()
    {
        var report = new MmuStressRun<T>(Tiny, Mmio, Walker).Execute();

        Assert.Null(report.Fatal);
        Assert.Empty(report.Failures);
        Assert.Equal(0, report.Violations);
        Assert.Equal(0, report.Leaked);
        Assert.True(report.Ok, string.Join(Environment.NewLine, report.Failures));
        Assert.Equal(Enum.GetValues<MmuStressStage>(), report.Stages.Select(static s => s.Stage));
        var pages = (long)Tiny.GuestPages;
        Assert.Equal(pages, report.Stages.Single(static s => s.Stage == MmuStressStage.Rewrite).FastFaults);
        var enomem = report.Stages.Single(static s => s.Stage == MmuStressStage.Enomem);
        Assert.InRange(enomem.Recovered, 1, Tiny.Threads);
        Assert.True(enomem.Enomem >= enomem.Recovered);
        Assert.True(report.Ops >= 7 * pages);
    }
}

/// <summary>The stress driver over EPT.</summary>
public sealed class EptMmuStressTests : MmuStressTests<EptSpte>
{
    protected override MmioSpteMask Mmio => MmioSpteMask.Vmx;

    private protected override ITdpWalker Walker(HostMemory host) => new EptWalker(host, new EptCapabilities(), veInfo: null);

    /// <summary>The round loop does not depend on the format, so EPT alone runs it.</summary>
    [Fact]
    public void The_operation_target_runs_whole_rounds_until_it_is_reached()
    {
        var report = new MmuStressRun<EptSpte>(Tiny with { Ops = (8 * (long)Tiny.GuestPages) + 1 }, Mmio, Walker).Execute();

        Assert.True(report.Ok, string.Join(Environment.NewLine, report.Failures));
        Assert.Equal(2, report.Stages.Count(static s => s.Stage == MmuStressStage.FaultIn));
        Assert.Equal(1, report.Stages.Single(static s => s.Stage == MmuStressStage.Teardown).Round);
    }

    /// <summary>
    /// The test's <c>-H</c>: writes map 2M leafs (far fewer faults than pages), dirty logging
    /// splits them eagerly (one fast fault per page on the rewrite), turning it off collapses them
    /// again under the shared lock while the vCPUs fault.
    /// </summary>
    [Fact]
    public void With_huge_pages_faults_map_2M_and_every_stage_holds()
    {
        var report = new MmuStressRun<EptSpte>(Tiny with { HugePages = true }, Mmio, Walker).Execute();

        Assert.True(report.Ok, string.Join(Environment.NewLine, report.Failures));
        var pages = (long)Tiny.GuestPages;
        Assert.InRange(report.Stages.Single(static s => s.Stage == MmuStressStage.FaultIn).Faults, pages / 512, (pages / 256) - 1);
        Assert.Equal(pages, report.Stages.Single(static s => s.Stage == MmuStressStage.Rewrite).FastFaults);
    }

    /// <summary>The review's bug written into every zap path (0 where EPT needs suppress-#VE): the driver must count it, not pass.</summary>
    [Fact]
    public void A_zap_path_that_writes_zero_is_counted_as_violations()
    {
        var run = new MmuStressRun<EptSpte>(Tiny, Mmio, Walker);
        run.Vm.Mmu.ZapValueOverride = static _ => EptSpte.FromRaw(0);

        var report = run.Execute();

        Assert.False(report.Ok);
        Assert.True(report.Violations > 0);
        Assert.Contains(report.Failures, static f => f.Contains("non-present", StringComparison.Ordinal));
    }
}

/// <summary>The stress driver over NPT.</summary>
public sealed class NptMmuStressTests : MmuStressTests<NptSpte>
{
    protected override MmioSpteMask Mmio => MmioSpteMask.Npt(46);

    private protected override ITdpWalker Walker(HostMemory host) => new NptWalker(host, new NptCapabilities());
}

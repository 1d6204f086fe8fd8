using System;
using System.Collections.Generic;
using System.Linq;

namespace Spte.Benchmarks.Stress;

/// <summary>The stages of a round, in order, and the teardown after the last round.</summary>
internal enum MmuStressStage
{
    /// <summary>The test's stage 0: every vCPU writes every page of its share.</summary>
    FaultIn,

    /// <summary>The CR0.WP toggle (a context reset: roots dropped and reloaded), then the test's stage 1: rewrite everything, which faults nowhere.</summary>
    Reset,

    /// <summary>The test's stage 2 (read everything) while the host turns dirty logging on slot by slot, write-protecting each.</summary>
    WriteProtect,

    /// <summary>Write everything again: each write takes a fast page fault on a write-protected SPTE and dirties its page.</summary>
    Rewrite,

    /// <summary>Write everything while the host zaps GFN ranges and, half-way, every root.</summary>
    Zap,

    /// <summary>After a fast zap, write everything while the host has no page-table page to give.</summary>
    Enomem,

    /// <summary>Write everything while slots are deleted, re-created, moved away and back.</summary>
    Memslots,

    /// <summary>The test's end (even slots deleted, half the memory unmapped) and the VM's destruction.</summary>
    Teardown,
}

/// <summary>What one stage of one round did.</summary>
/// <param name="Stage">Which stage.</param>
/// <param name="Round">Which round (the teardown has the last round's number).</param>
/// <param name="Ops">Guest accesses by the vCPUs plus MMU operations by the host (flag changes, zaps, memslot changes).</param>
/// <param name="Faults">Calls into the fault handler.</param>
/// <param name="FastFaults">Faults fixed by the lockless fast path.</param>
/// <param name="Retries">Faults that returned <c>RET_PF_RETRY</c>.</param>
/// <param name="MmioExits">Accesses that exited as MMIO (a GPA with no slot).</param>
/// <param name="StaleMmioSptes">MMIO SPTEs found with an old memslot generation and rebuilt (a slot came back over them).</param>
/// <param name="FrozenSeen">Times a fault's walk met a frozen SPTE (another thread's removal or split in flight) and backed off.</param>
/// <param name="Enomem">Faults that failed with ENOMEM.</param>
/// <param name="Recovered">Accesses that failed with ENOMEM and completed on a retry.</param>
/// <param name="Elapsed">Wall time of the stage's work, checks excluded.</param>
/// <param name="CheckTime">Wall time of the invariant walk and the leak count after it.</param>
/// <param name="Violations">Invariant violations the walk reported.</param>
/// <param name="Leaked">Page tables neither linked, nor cached, nor freed after a grace period.</param>
/// <param name="PeakWorkingSet">The process's peak working set so far, in bytes.</param>
/// <param name="Failures">Violations (the first few) and broken expectations of the stage, described.</param>
internal sealed record MmuStressStageResult(
    MmuStressStage Stage,
    int Round,
    long Ops,
    long Faults,
    long FastFaults,
    long Retries,
    long MmioExits,
    long StaleMmioSptes,
    long FrozenSeen,
    long Enomem,
    long Recovered,
    TimeSpan Elapsed,
    TimeSpan CheckTime,
    int Violations,
    long Leaked,
    long PeakWorkingSet,
    IReadOnlyList<string> Failures);

/// <summary>A whole run: every stage of every round, and the error that stopped it early, if one did.</summary>
internal sealed record MmuStressReport(IReadOnlyList<MmuStressStageResult> Stages, TimeSpan Elapsed, string? Fatal)
{
    public long Ops => Stages.Sum(static s => s.Ops);

    public int Violations => Stages.Sum(static s => s.Violations);

    /// <summary>Tables leaked at any stage's check.</summary>
    public long Leaked => Stages.Sum(static s => s.Leaked);

    public IEnumerable<string> Failures => Stages.SelectMany(static s => s.Failures.Select(f => $"{s.Stage} (round {s.Round}): {f}"));

    /// <summary>Whether the run finished with no violation, no leak and every expectation met.</summary>
    public bool Ok => Fatal is null && Violations == 0 && Leaked == 0 && !Failures.Any();
}

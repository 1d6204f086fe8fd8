using System;
using System.Diagnostics;
using System.Threading;
using Spte.Runtime.Hardware;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Benchmarks.Stress;

/// <summary>
/// One vCPU of the stress run: its memory cache, its root, and the simulated CPU's walk. A
/// guest access walks the tables; a miss exits to the fault handler (under the shared MMU lock,
/// compare-exchange and frozen handoffs inside the TDP MMU) and the access is retried, as
/// <c>KVM_RUN</c> re-enters the guest. Counters are plain fields: only this thread writes them,
/// and the boss reads them at a rendezvous.
/// </summary>
internal sealed class MmuStressVcpu<T>
    where T : struct, IKvmSpte<T>
{
    /// <summary>
    /// How long one access may keep faulting before the run calls it a livelock. Not a count: a
    /// fault retries for as long as an invalidation of its GFN is in progress, and a long zap that
    /// yields the MMU lock (<c>tdp_mmu_iter_cond_resched</c>) keeps one in progress for a while.
    /// </summary>
    private static readonly TimeSpan LivelockTimeout = TimeSpan.FromSeconds(60);

    private readonly KvmMmu<T> _mmu;
    private readonly ITdpWalker _walker;
    private KvmMmuPage<T>? _root;

    public MmuStressVcpu(KvmMmu<T> mmu, ITdpWalker walker, ulong firstGpa, ulong endGpa)
    {
        _mmu = mmu;
        _walker = walker;
        FirstGpa = firstGpa;
        EndGpa = endGpa;
        Cache = new MemoryCache<T>(mmu.Host);
    }

    public MemoryCache<T> Cache { get; }

    /// <summary>The vCPU's share of guest memory: [<see cref="FirstGpa"/>, <see cref="EndGpa"/>).</summary>
    public ulong FirstGpa { get; }

    public ulong EndGpa { get; }

    /// <summary>Guest accesses completed (translated, or exited as MMIO).</summary>
    public long Accesses { get; private set; }

    /// <summary>Calls into the fault handler.</summary>
    public long Faults { get; private set; }

    /// <summary>Accesses that exited as MMIO (no slot: the fault installed or found an MMIO SPTE).</summary>
    public long MmioExits { get; private set; }

    /// <summary>Faults that failed with ENOMEM.</summary>
    public long Enomem { get; private set; }

    /// <summary>Accesses that failed with ENOMEM and completed on a retry after the window closed.</summary>
    public long Recovered { get; private set; }

    /// <summary>The access of the last pass that first failed with ENOMEM, if one did.</summary>
    public ulong? FailedGpa { get; private set; }

    /// <summary>
    /// Accesses every page of [<paramref name="first"/>, <paramref name="end"/>) in order, as
    /// the test's guest strides its range. With a failure <paramref name="window"/> open, an
    /// access that fails with ENOMEM reports it and waits for the window to close, then retries.
    /// </summary>
    public void Pass(ulong first, ulong end, GuestAccessKind kind, AllocationFailureWindow<T>? window, CancellationToken abort)
    {
        var reported = window is null;
        FailedGpa = null;
        for (var gpa = first; gpa < end; gpa += HostMemory.PageSize)
        {
            var failed = false;
            while (!TryAccess(gpa, kind))
            {
                Enomem++;
                if (window is not { IsOpen: true })
                {
                    throw new InvalidOperationException($"ENOMEM at 0x{gpa:X} outside the allocation-failure window: the retry after it failed.");
                }

                failed = true;
                if (!reported)
                {
                    reported = true;
                    FailedGpa = gpa;
                    window.Reached();
                }

                window.WaitClosed(abort);
            }

            if (failed)
            {
                Recovered++;
            }
        }

        if (!reported)
        {
            window!.Reached();
        }
    }

    /// <summary>The context reset of a CR0.WP toggle (<c>kvm_mmu_reset_context</c>): the root is dropped and loaded again.</summary>
    public void ResetContext()
    {
        Unload();
        Load();
    }

    /// <summary>Drops the root (<c>kvm_mmu_unload</c>).</summary>
    public void Unload()
    {
        if (_root is not null)
        {
            _mmu.PutRoot(_root);
            _root = null;
        }
    }

    /// <summary>One access: walk, and on an exit fault and walk again. False when a fault or root load failed with ENOMEM (nothing changed).</summary>
    private bool TryAccess(ulong gpa, GuestAccessKind kind)
    {
        var started = 0L;
        try
        {
            for (var faults = 1; ; faults++)
            {
                if (_root is null || KvmMmu<T>.IsObsoleteRoot(_root))
                {
                    Unload();
                    Load();
                }

                TdpWalkResult walk;
                using (_mmu.Rcu.ReadLock())
                {
                    walk = _walker.Walk(_root!.Pfn, _root.Level, gpa, kind);
                }

                if (walk.Outcome == TdpWalkOutcome.Translated)
                {
                    Accesses++;
                    return true;
                }

                Faults++;
                var result = _mmu.PageFault(_root, gpa, ErrorCode(walk), Cache);
                if (result == PageFaultResult.Emulate)
                {
                    MmioExits++;
                    Accesses++;
                    return true;
                }

                if (result == PageFaultResult.Retry)
                {
                    // The vCPU re-enters and faults again; on two shared cores, give the thread it waits for (the invalidation's) a turn.
                    Thread.Yield();
                }

                if (faults % 1024 == 0)
                {
                    started = started == 0 ? Stopwatch.GetTimestamp() : started;
                    if (Stopwatch.GetElapsedTime(started) > LivelockTimeout)
                    {
                        throw new InvalidOperationException($"the {kind} at 0x{gpa:X} faulted {faults} times in {LivelockTimeout.TotalSeconds} s without completing.");
                    }
                }
            }
        }
        catch (HostMemoryExhaustedException)
        {
            return false;
        }
    }

    private void Load() => _root = _mmu.GetRoot(0, Cache);

    /// <summary>What the exit hands the fault handler: VMX's <c>handle_ept_violation</c> / <c>handle_ept_misconfig</c>, SVM's <c>npf_interception</c>.</summary>
    private static PageFaultErrorCode ErrorCode(TdpWalkResult walk) => walk.Outcome switch
    {
        TdpWalkOutcome.EptViolation => EptViolationErrorCode(walk.Qualification),
        TdpWalkOutcome.EptMisconfig => PageFaultErrorCode.Rsvd,
        TdpWalkOutcome.NestedPageFault => walk.ErrorCode,
        _ => throw new InvalidOperationException($"unexpected exit {walk.Outcome} at 0x{walk.Gpa:X}: {walk.Reason}"),
    };

    /// <summary>KVM's <c>__vmx_handle_ept_violation</c>: the access bits and whether the entry was present become the error code.</summary>
    private static PageFaultErrorCode EptViolationErrorCode(EptViolationQualification q)
    {
        var error = (q & EptViolationQualification.AccRead) != 0 ? PageFaultErrorCode.User : PageFaultErrorCode.None;
        error |= (q & EptViolationQualification.AccWrite) != 0 ? PageFaultErrorCode.Write : PageFaultErrorCode.None;
        error |= (q & EptViolationQualification.AccInstr) != 0 ? PageFaultErrorCode.Fetch : PageFaultErrorCode.None;
        error |= (q & (EptViolationQualification.Readable | EptViolationQualification.Writable | EptViolationQualification.Executable)) != 0 ? PageFaultErrorCode.Present : PageFaultErrorCode.None;
        return error | ((q & EptViolationQualification.GvaTranslated) != 0 ? PageFaultErrorCode.GuestFinal : PageFaultErrorCode.GuestPage);
    }
}

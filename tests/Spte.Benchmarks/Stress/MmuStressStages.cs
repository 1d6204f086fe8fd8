using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Spte.Runtime.Hardware;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu;
using Spte.Runtime.X86;

namespace Spte.Benchmarks.Stress;

/// <summary>
/// The stages of mmu_stress_test.c ported onto the model, plus the ones the model can check
/// that the test cannot (dirty logging, zaps, allocation failure, memslot changes under load),
/// each with what it must have done beyond the invariants.
/// </summary>
internal sealed partial class MmuStressRun<T>
{
    /// <summary>Segments of the zap and memslot stages: one host operation each, each overlapping a slice of every vCPU's pass.</summary>
    private const int HostSegments = 8;

    /// <summary>The slot the memslot stage deleted or moved in the previous segment, to create or move back in this one.</summary>
    private int _changedSlot;

    private void RunRound(int round, Action<MmuStressStageResult> results)
    {
        var pages = (long)CoveredPages;
        results(RunStage(MmuStressStage.FaultIn, round, new VcpuWork(GuestAccessKind.Write, 1), null, (d, log) =>
            log.Expect(Vm.MappedPages == pages, $"{Vm.MappedPages} pages mapped after writing {pages}")));

        results(RunStage(MmuStressStage.Reset, round, new VcpuWork(GuestAccessKind.Write, 1, ResetContext: true), null, (d, log) =>
            log.Expect(d.Faults == 0, $"{d.Faults} faults rewriting pages that were all mapped writable")));

        var logSegments = Math.Min(Vm.SlotCount, 16);
        results(RunStage(MmuStressStage.WriteProtect, round, new VcpuWork(GuestAccessKind.Read, logSegments), (segment, _) =>
        {
            for (var i = segment * Vm.SlotCount / logSegments; i < (segment + 1) * Vm.SlotCount / logSegments; i++)
            {
                Vm.SetLogging(i, on: true);
                _hostOps++;
            }
        }, (d, log) =>
        {
            log.Expect(d.Faults == 0, $"{d.Faults} faults reading mapped pages");
            log.Expect(Vm.DirtyPages() == 0, $"{Vm.DirtyPages()} pages dirty after reads alone");
        }));

        results(RunStage(MmuStressStage.Rewrite, round, new VcpuWork(GuestAccessKind.Write, 1), null, (d, log) =>
        {
            log.Expect(d.FastFaults == pages, $"{d.FastFaults} fast page faults for {pages} write-protected pages");
            log.Expect(Vm.DirtyPages() == (ulong)pages, $"{Vm.DirtyPages()} of {pages} pages dirty after writing all of them");
        }));

        results(RunStage(MmuStressStage.Zap, round, new VcpuWork(GuestAccessKind.Write, HostSegments), (segment, _) => ZapSegment(segment), (d, log) =>
            log.Expect(d.SptesZapped > 0, "nothing was zapped")));

        results(EnomemStage(round, pages));

        results(RunStage(MmuStressStage.Memslots, round, new VcpuWork(GuestAccessKind.Write, HostSegments), (segment, _) => MemslotSegment(segment), (d, log) =>
        {
            var homes = Enumerable.Range(0, Vm.SlotCount).Count(i => Vm.Slot(i)?.BaseGfn == Vm.HomeGpa(i) >> HostMemory.PageShift);
            log.Expect(homes == Vm.SlotCount, $"{homes} of {Vm.SlotCount} slots back at home");
        }));
    }

    /// <summary>
    /// Stops dirty logging first (zapping what could collapse), then one zap per segment: a GFN
    /// range (as an MMU notifier's invalidation, under the write lock) from somewhere in a random
    /// vCPU's previous slice, mapped and left behind, into its current one, which it is faulting
    /// in meanwhile; half-way, a fast zap of every root instead (the vCPUs reload theirs).
    /// </summary>
    private void ZapSegment(int segment)
    {
        if (segment == 0)
        {
            for (var i = 0; i < Vm.SlotCount; i++)
            {
                Vm.SetLogging(i, on: false);
                _hostOps++;
            }
        }

        if (segment == HostSegments / 2)
        {
            Vm.Mmu.ZapAllFast();
        }
        else
        {
            var vcpu = _vcpus[_random.Next(_vcpus.Length)];
            var (behind, _) = Share(vcpu, Math.Max(0, segment - 1), HostSegments);
            var (ahead, end) = Share(vcpu, segment, HostSegments);
            var start = behind + ((ulong)_random.NextInt64((long)((ahead - behind) / HostMemory.PageSize)) * HostMemory.PageSize);
            var stop = ahead + ((ulong)_random.NextInt64(1, (long)((end - ahead) / HostMemory.PageSize) + 1) * HostMemory.PageSize);
            Vm.Mmu.ZapGfnRange(0, start >> HostMemory.PageShift, stop >> HostMemory.PageShift);
        }

        _hostOps++;
    }

    /// <summary>
    /// Per pair of segments: move a slot away and back; delete another and create it again. A
    /// move or delete flushes with a fast zap, a create does not. The slot moved away or deleted
    /// is one a vCPU is about to write in this segment, so its writes there exit as MMIO; after
    /// the stage's last create the MMIO SPTEs they left stay, stale (a new memslot generation),
    /// until the next round's writes rebuild them as RAM mappings.
    /// </summary>
    private void MemslotSegment(int segment)
    {
        switch (segment % 4)
        {
            case 0:
                _changedSlot = SlotAhead(segment);
                Vm.Move(_changedSlot, away: true);
                break;
            case 1:
                Vm.Move(_changedSlot, away: false);
                break;
            case 2:
                _changedSlot = SlotAhead(segment);
                Vm.Delete(_changedSlot);
                break;
            default:
                Vm.Create(_changedSlot);
                break;
        }

        _hostOps++;
    }

    /// <summary>The slot under a random page in the second half of a random vCPU's slice of <paramref name="segment"/>.</summary>
    private int SlotAhead(int segment)
    {
        var (first, end) = Share(_vcpus[_random.Next(_vcpus.Length)], segment, HostSegments);
        var half = (end - first) / 2;
        var gpa = first + half + (ulong)_random.NextInt64((long)half);
        return (int)((gpa - MmuStressOptions.FirstGpa) / _options.SlotBytes);
    }

    /// <summary>
    /// After a fast zap every write needs new tables. The window empties the host; each vCPU
    /// faults until its cache runs dry and fails with ENOMEM. With every vCPU stopped there,
    /// the invariants must hold and no failed access may be mapped (the top-up failed before any
    /// lock, so no table is half-built); then the pages come back and every failed access must
    /// complete on its retry.
    /// </summary>
    private MmuStressStageResult EnomemStage(int round, long pages)
    {
        foreach (var vcpu in _vcpus)
        {
            vcpu.Unload();
        }

        Vm.Mmu.ZapAllFast();
        _hostOps++;
        Vm.Mmu.Rcu.Barrier();
        _window.Open();
        var emptied = Vm.Host.PageTablePagesInUse == Vm.Host.PageTableBudget;
        return RunStage(MmuStressStage.Enomem, round, new VcpuWork(GuestAccessKind.Write, 1, Window: _window), (_, log) =>
        {
            _window.WaitAllReached(_abort.Token);
            log.Expect(emptied, $"the window left {Vm.Host.PageTableBudget - Vm.Host.PageTablePagesInUse} page-table pages free");
            Check(log);
            foreach (var gpa in _vcpus.Select(static v => v.FailedGpa).OfType<ulong>())
            {
                log.Expect(!IsMapped(gpa), $"0x{gpa:X} is mapped though its fault failed");
            }

            _window.Close();
        }, (d, log) =>
        {
            var failed = _vcpus.Count(static v => v.FailedGpa is not null);
            log.Expect(d.Enomem > 0 || !OutgrowsCache, "no fault failed with ENOMEM while the host was empty");
            log.Expect(d.Recovered == failed, $"{d.Recovered} of {failed} accesses that failed with ENOMEM completed on retry");
            log.Expect(Vm.MappedPages == pages, $"{Vm.MappedPages} pages mapped after writing {pages}");
        });
    }

    /// <summary>
    /// Whether a vCPU's pass after a fast zap needs more new tables than a full memory cache
    /// holds, so that it must reach the host while the window is open: last-level tables (or,
    /// with huge pages, the level above), one per 512 of its mappings.
    /// </summary>
    private bool OutgrowsCache =>
        _vcpus.Min(static v => v.EndGpa - v.FirstGpa) / HostMemory.PageSize / (_options.HugePages ? 512UL * 512 : 512) > MemoryCache<T>.DefaultCapacity;

    /// <summary>Whether a valid root maps <paramref name="gpa"/>: the walk ends on a present leaf of any size.</summary>
    private bool IsMapped(ulong gpa) =>
        Vm.Mmu.Roots.FirstOrDefault(static r => !r.Invalid) is { } root && Vm.Mmu.GetWalk(root, gpa)[^1].Spte.IsPresent;

    /// <summary>
    /// The test's end and the VM's destruction, with the vCPU threads gone: even-numbered slots
    /// deleted, the first half of the shared memory unmapped (the notifier zaps it in every slot
    /// left), then <c>kvm_mmu_zap_all</c>, the vCPUs' roots put and caches freed. Nothing may
    /// remain: no root, no linked table, no host page-table page.
    /// </summary>
    private MmuStressStageResult Teardown(int round)
    {
        var log = new StageLog();
        var before = Read();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Vm.SlotCount; i++)
        {
            if ((MmuStressOptions.FirstSlot + i) % 2 == 0)
            {
                Vm.Delete(i);
                _hostOps++;
            }
        }

        Vm.Unmap(0, Vm.Backing.Pages / 2);
        Vm.Mmu.ZapAll();
        _hostOps += 2;
        foreach (var vcpu in _vcpus)
        {
            vcpu.Unload();
            vcpu.Cache.FreeAll();
        }

        var elapsed = clock.Elapsed;
        Check(log);
        var stats = Vm.Mmu.Stats;
        log.Expect(Vm.Mmu.Roots.Count == 0, $"{Vm.Mmu.Roots.Count} roots left");
        log.Expect(stats[MmuStat.TablesInUse] == 0, $"{stats[MmuStat.TablesInUse]} tables still linked");
        log.Expect(stats[MmuStat.TablesAllocated] == stats[MmuStat.TablesFreed], $"{stats[MmuStat.TablesAllocated]} tables linked over the run, {stats[MmuStat.TablesFreed]} freed");
        log.Expect(Vm.Host.PageTablePagesInUse == 0, $"{Vm.Host.PageTablePagesInUse} host page-table pages still in use");
        return Result(MmuStressStage.Teardown, round, Read() - before, elapsed, log);
    }
}

using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Spte.Runtime.Formats;
using Spte.Runtime.Memory;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Benchmarks;

/// <summary>
/// Dirty logging's bulk work per SPTE, as KVM's <c>dirty_log_perf_test</c> reports it: the eager
/// split of a 1 GiB slot mapped by one 1G leaf into 4K leafs (cost per SPTE created), and a
/// clear of the whole slot's dirty log (cost per 4K SPTE write-protected). Each iteration starts
/// from the state the operation needs, rebuilt outside the timing: one invocation per iteration,
/// in process (a 2-core machine under load timed out building the out-of-process runner).
/// </summary>
[Config(typeof(OneShotInProcess))]
public class DirtyLogBenchmarks
{
    private const ulong SlotBase = 1UL << 30;
    private const ulong SlotPages = 1UL << 18;

    /// <summary>Leafs an eager split of one 1G leaf creates: 512 2M ones, then 512 4K ones under each.</summary>
    private const int SplitSptes = 512 + (512 * 512);

    private KvmMmu<EptSpte> _mmu = null!;
    private MemoryCache<EptSpte> _cache = null!;
    private KvmMmuPage<EptSpte> _root = null!;
    private KvmMemorySlot _slot = null!;
    private ulong[] _allDirty = null!;

    [GlobalSetup(Target = nameof(EagerSplit))]
    public void SetupSplit() => Setup(PgLevel.Pg1G, KvmMemFlags.None);

    [GlobalSetup(Target = nameof(ClearDirtyLog))]
    public void SetupClear() => Setup(PgLevel.Pg4K, KvmMemFlags.LogDirtyPages);

    /// <summary>The slot mapped by one 1G leaf again: the split's 4K leafs zapped and their tables freed.</summary>
    [IterationSetup(Target = nameof(EagerSplit))]
    public void OneHugeLeaf()
    {
        _mmu.ZapGfnRange(0, 0, _mmu.MaxGfn + 1);
        _mmu.ZapCollapsibleSptes(_slot);
        _mmu.Rcu.Barrier();
        Fault(0, PageFaultErrorCode.Present | PageFaultErrorCode.Write | PageFaultErrorCode.User);
        if (_mmu.Stats[MmuStat.Pages1G] != 1 || _mmu.Stats[MmuStat.Pages4K] != 0)
        {
            throw new InvalidOperationException($"The slot is not one 1G leaf before the split ({_mmu.Stats[MmuStat.Pages1G]} 1G, {_mmu.Stats[MmuStat.Pages4K]} 4K leafs).");
        }
    }

    /// <summary>Every page written again since the last clear: the fast path makes each 4K leaf writable.</summary>
    [IterationSetup(Target = nameof(ClearDirtyLog))]
    public void EveryPageWritten()
    {
        for (ulong page = 0; page < SlotPages; page++)
        {
            Fault(page, PageFaultErrorCode.Present | PageFaultErrorCode.Write | PageFaultErrorCode.User);
        }
    }

    /// <summary><c>kvm_mmu_slot_try_split_huge_pages</c> from 1G to 4K under the shared lock.</summary>
    [Benchmark(OperationsPerInvoke = SplitSptes)]
    public bool EagerSplit() => _mmu.SlotTrySplitHugePages(_slot, PgLevel.Pg4K);

    /// <summary><c>KVM_CLEAR_DIRTY_LOG</c>'s MMU half over the whole slot: every 4K leaf write-protected, one walk per 64-page word.</summary>
    [Benchmark(OperationsPerInvoke = (int)SlotPages)]
    public void ClearDirtyLog() => _mmu.WriteProtectDirtyGfns(_slot, _allDirty, initiallySet: false);

    private void Setup(int maxHugePageLevel, KvmMemFlags flags)
    {
        var host = new HostMemory(pageTableBudget: 1 << 12, maxPhyAddr: 46);
        _mmu = new KvmMmu<EptSpte>(host, new KvmMemslots(), new KvmMmuOptions { Mmio = MmioSpteMask.Vmx, MaxHugePageLevel = maxHugePageLevel });
        var change = _mmu.Memslots.Prepare(0, SlotBase, SlotPages << HostMemory.PageShift, flags, readOnlyAllowed: true, _mmu.MaxGfn, host)!;
        _mmu.Memslots.Commit(change);
        _slot = change.New!;
        _slot.Backing.Populate();
        _cache = new MemoryCache<EptSpte>(host);
        _root = _mmu.GetRoot(0, _cache);
        _allDirty = new ulong[SlotPages / 64];
        Array.Fill(_allDirty, ulong.MaxValue);
    }

    private void Fault(ulong page, PageFaultErrorCode error)
    {
        var gpa = SlotBase + (page << HostMemory.PageShift);
        if (_mmu.PageFault(_root, gpa, error, _cache) is not (PageFaultResult.Fixed or PageFaultResult.Spurious))
        {
            throw new InvalidOperationException($"The write fault at 0x{gpa:X} did not map the page.");
        }
    }
}

/// <summary>Each iteration one invocation after its own setup, in the benchmark's process.</summary>
internal sealed class OneShotInProcess : ManualConfig
{
    public OneShotInProcess() =>
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
            .WithInvocationCount(1).WithUnrollFactor(1).WithWarmupCount(3).WithIterationCount(15));
}

using System;
using System.Threading;
using BenchmarkDotNet.Attributes;
using Spte.Runtime.Formats;
using Spte.Runtime.Memory;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Benchmarks;

/// <summary>
/// Fault throughput against the number of vCPU threads: the same 2^17 4K write faults into a
/// fresh tree, split evenly over 1 or 2 threads that fault disjoint GFN ranges under the shared
/// MMU lock (each with its own memory cache, as each vCPU has). The figure is time per fault of
/// the whole run, so perfect scaling halves it with two threads. The control runs each thread
/// in a VM of its own: what it loses against perfect scaling is the machine's, not the MMU's
/// sharing.
/// </summary>
[Config(typeof(OneShotInProcess))]
public class FaultScalingBenchmarks
{
    private const int Faults = 1 << 17;

    private Vcpu[] _vcpus = [];

    /// <summary>vCPU threads faulting at once.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>False: the control, each thread in a VM of its own.</summary>
    [Params(true, false)]
    public bool OneVm { get; set; }

    /// <summary>New VMs for each iteration: nothing mapped, tables and caches ready.</summary>
    [IterationSetup]
    public void FreshVm()
    {
        _vcpus = new Vcpu[Threads];
        var mmu = OneVm ? NewVm() : null;
        for (var i = 0; i < Threads; i++)
        {
            _vcpus[i] = new Vcpu(mmu ?? NewVm(), (ulong)(i * (Faults / Threads)), Faults / Threads);
        }
    }

    private KvmMmu<EptSpte> NewVm()
    {
        var host = new HostMemory(pageTableBudget: 1 << 12, maxPhyAddr: 46);

        // As the C reference and MmuRig do: every table the run can need is resident before timing
        // (2^17 pages take 256 leaf tables and three above them, plus the vCPUs' caches).
        host.PopulatePageTables<EptSpte>(259 + (Threads * MemoryCache<EptSpte>.DefaultCapacity));
        var mmu = new KvmMmu<EptSpte>(host, new KvmMemslots(), new KvmMmuOptions { Mmio = MmioSpteMask.Vmx, MaxHugePageLevel = PgLevel.Pg4K });
        var change = mmu.Memslots.Prepare(0, 0, (ulong)Faults << HostMemory.PageShift, KvmMemFlags.None, readOnlyAllowed: true, mmu.MaxGfn, host)!;
        mmu.Memslots.Commit(change);
        change.New!.Backing.Populate();
        return mmu;
    }

    [Benchmark(OperationsPerInvoke = Faults)]
    public void WriteFaults()
    {
        if (Threads == 1)
        {
            _vcpus[0].Run();
            return;
        }

        var threads = new Thread[Threads];
        using var start = new Barrier(Threads);
        for (var i = 0; i < Threads; i++)
        {
            var vcpu = _vcpus[i];
            threads[i] = new Thread(() =>
            {
                start.SignalAndWait();
                vcpu.Run();
            });
            threads[i].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }
    }

    /// <summary>One vCPU: its root reference and memory cache, and the GFN range it writes.</summary>
    private sealed class Vcpu
    {
        private readonly KvmMmu<EptSpte> _mmu;
        private readonly MemoryCache<EptSpte> _cache;
        private readonly KvmMmuPage<EptSpte> _root;
        private readonly ulong _first;
        private readonly int _count;

        public Vcpu(KvmMmu<EptSpte> mmu, ulong first, int count)
        {
            _mmu = mmu;
            _cache = new MemoryCache<EptSpte>(mmu.Host);
            _root = mmu.GetRoot(0, _cache);
            _first = first;
            _count = count;
        }

        public void Run()
        {
            const PageFaultErrorCode write = PageFaultErrorCode.Present | PageFaultErrorCode.Write | PageFaultErrorCode.User;
            for (var i = 0UL; i < (ulong)_count; i++)
            {
                var gpa = (_first + i) << HostMemory.PageShift;
                while (_mmu.PageFault(_root, gpa, write, _cache) == PageFaultResult.Retry)
                {
                    // Lost a race for a shared table: fault again, as the vCPU re-enters the guest.
                }
            }
        }
    }
}

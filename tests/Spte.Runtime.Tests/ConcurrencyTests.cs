using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using System.Threading;
using Spte.Runtime.Formats;
using Spte.Runtime.Memory;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.Mmu.Tdp;
using Spte.Runtime.X86;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>Faults under the shared lock race through compare-exchange; zaps run alongside; the invariants hold afterwards.</summary>
public abstract class ConcurrencyTests<T>
    where T : struct, IKvmSpte<T>
{
    private const ulong MiB = 1UL << 20;

    /// <summary>The VM's MMIO setting.</summary>
    protected abstract MmioSpteMask Mmio { get; }

    [Fact]
    public void Parallel_faults_on_disjoint_gfns()
    {
        var h = new MmuHarness<T>(Mmio, budget: 1 << 14);
        h.AddSlot(0, 0x1000, 16 * MiB);
        var vcpus = new ConcurrentBag<Vcpu>();
        using var local = new ThreadLocal<Vcpu>(() => Track(vcpus, new Vcpu(h.Mmu)));
        Parallel.For(1, 2049, new ParallelOptions { MaxDegreeOfParallelism = 4 }, gfn => local.Value!.Fault((ulong)gfn << 12));
        Assert.Equal(2048, h.Mmu.Stats[MmuStat.Pages4K]);
        Assert.Equal(2048, h.Mmu.Stats[MmuStat.PfFixed]);
        h.Mmu.CheckInvariants([h.Cache, .. vcpus.Select(static v => v.Cache)]).ThrowIfViolated();
    }

    [Fact]
    public void Parallel_faults_on_overlapping_gfns_install_each_leaf_once()
    {
        var h = new MmuHarness<T>(Mmio, budget: 1 << 14);
        h.AddSlot(0, 0x1000, 16 * MiB);
        var vcpus = new ConcurrentBag<Vcpu>();
        using var local = new ThreadLocal<Vcpu>(() => Track(vcpus, new Vcpu(h.Mmu)));
        Parallel.For(0, 4000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => local.Value!.Fault((ulong)(1 + ((i % 16) * 251)) << 12));
        Assert.Equal(16, h.Mmu.Stats[MmuStat.Pages4K]);
        Assert.Equal(16, h.Mmu.Stats[MmuStat.PfFixed]);
        Assert.Equal(4000, h.Mmu.Stats[MmuStat.PfFixed] + h.Mmu.Stats[MmuStat.PfSpurious]);
        Assert.Equal(vcpus.Sum(static v => v.Retries), h.Mmu.Stats[MmuStat.PfRetry]);
        h.Mmu.CheckInvariants([h.Cache, .. vcpus.Select(static v => v.Cache)]).ThrowIfViolated();
    }

    [Fact]
    public void Faults_race_with_zaps_and_table_removals()
    {
        var h = new MmuHarness<T>(Mmio, budget: 1 << 14);
        var slot = h.AddSlot(0, 0, 8 * MiB, KvmMemFlags.LogDirtyPages);
        var slotLock = new object();
        var vcpus = new ConcurrentBag<Vcpu>();
        using var local = new ThreadLocal<Vcpu>(() => Track(vcpus, new Vcpu(h.Mmu)));

        // Every 25th iteration zaps while the other threads keep faulting.
        Parallel.For(0, 8000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            if (i % 25 == 0)
            {
                lock (slotLock)
                {
                    switch (i / 25 % 4)
                    {
                        case 0:
                            h.Mmu.ZapGfnRange(0, (ulong)(i % 2048), (ulong)(i % 2048) + 64);
                            break;
                        case 1:
                            slot = h.SetFlags(slot, KvmMemFlags.None);
                            h.Mmu.ZapCollapsibleSptes(slot);
                            break;
                        case 2:
                            slot = h.SetFlags(slot, KvmMemFlags.LogDirtyPages);
                            h.Mmu.WrprotSlot(slot, PgLevel.Pg4K);
                            break;
                        default:
                            h.Mmu.AgeGfnRange(0, 0, 2048);
                            break;
                    }
                }

                return;
            }

            var gpa = (ulong)((i * 7919) % 2048) << 12;
            local.Value!.Fault(gpa, i % 3 == 0 ? PageFaultErrorCode.Write : PageFaultErrorCode.User);
        });
        h.Mmu.Rcu.Barrier();
        Assert.True(h.Mmu.Stats[MmuStat.TablesFreed] > 0);
        Assert.True(h.Mmu.Stats[MmuStat.SptesZapped] > 0);
        h.Mmu.CheckInvariants([h.Cache, .. vcpus.Select(static v => v.Cache)]).ThrowIfViolated();
    }

    [Fact]
    public void Faults_race_with_fast_zaps_that_replace_roots()
    {
        var h = new MmuHarness<T>(Mmio, budget: 1 << 14);
        h.AddSlot(0, 0x1000, 4 * MiB);
        var vcpus = new ConcurrentBag<Vcpu>();
        using var local = new ThreadLocal<Vcpu>(() => Track(vcpus, new Vcpu(h.Mmu)));
        Parallel.For(0, 3000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            if (i % 100 == 0)
            {
                h.Mmu.ZapAllFast();
            }
            else
            {
                local.Value!.Fault((ulong)(1 + (i % 1000)) << 12);
            }
        });
        h.Mmu.Rcu.Barrier();
        Assert.True(h.Mmu.Stats[MmuStat.RootsAllocated] > 1);
        h.Mmu.CheckInvariants([h.Cache, .. vcpus.Select(static v => v.Cache)]).ThrowIfViolated();
    }

    /// <summary>
    /// A seeded mix under the NX huge page mitigation: faults that read, write and fetch race with
    /// eager splits as logging starts, collapses as it stops, recovery passes and zaps. Whoever
    /// loses a compare-exchange on a large leaf retries; the trees, page counters and the recovery
    /// list stay consistent.
    /// </summary>
    [Fact]
    public void Faults_race_with_eager_splits_fetch_splits_and_nx_recovery()
    {
        var h = new MmuHarness<T>(Mmio, budget: 1 << 14, nxHugePages: true);
        var slot = h.AddSlot(0, 0, 8 * MiB);
        var slotLock = new object();
        var vcpus = new ConcurrentBag<Vcpu>();
        using var local = new ThreadLocal<Vcpu>(() => Track(vcpus, new Vcpu(h.Mmu)));
        Parallel.For(0, 8000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            if (i % 40 == 0)
            {
                lock (slotLock)
                {
                    switch (i / 40 % 4)
                    {
                        case 0:
                            slot = h.SetFlags(slot, KvmMemFlags.LogDirtyPages);
                            h.Mmu.SlotTrySplitHugePages(slot, PgLevel.Pg4K);
                            h.Mmu.WrprotSlot(slot, PgLevel.Pg4K);
                            break;
                        case 1:
                            slot = h.SetFlags(slot, KvmMemFlags.None);
                            h.Mmu.ZapCollapsibleSptes(slot);
                            break;
                        case 2:
                            h.Mmu.RecoverNxHugePages(3);
                            break;
                        default:
                            h.Mmu.ZapGfnRange(0, (ulong)(i % 2048), (ulong)(i % 2048) + 512);
                            break;
                    }
                }

                return;
            }

            var gpa = (ulong)((i * 7919) % 2048) << 12;
            local.Value!.Fault(gpa, (i % 3) switch { 0 => PageFaultErrorCode.Write, 1 => PageFaultErrorCode.Fetch, _ => PageFaultErrorCode.User });
        });
        h.Mmu.Rcu.Barrier();
        Assert.True(h.Mmu.Stats[MmuStat.HugePagesSplit] > 0);
        Assert.True(h.Mmu.Stats[MmuStat.TablesFreed] > 0);
        h.Mmu.CheckInvariants([h.Cache, .. vcpus.Select(static v => v.Cache)]).ThrowIfViolated();
    }

    /// <summary>
    /// Two vCPU threads, each running its own seeded program over the same 8 MiB of huge-page
    /// memory: reads, writes and fetches at random GFNs, and, under a slot lock, dirty logging
    /// turned on (eager split, write protection) or off (collapse), GFN-range zaps, NX recovery
    /// and aging — so splits, collapses and zaps race with faults on the same entries. The seed
    /// fixes each thread's operations; the interleaving is the scheduler's. Afterwards every
    /// invariant holds, no table is leaked, and every page faults in again.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_seeded_two_thread_race_keeps_every_invariant(int seed)
    {
        const int Pages = 2048;
        var h = new MmuHarness<T>(Mmio, budget: 1 << 14, nxHugePages: true);
        var slot = h.AddSlot(0, 0, Pages * 4096UL);
        var slotLock = new object();
        var vcpus = new[] { new Vcpu(h.Mmu), new Vcpu(h.Mmu) };
        var threads = new Thread[2];
        using var start = new Barrier(2);
        for (var t = 0; t < 2; t++)
        {
            var vcpu = vcpus[t];
            var random = new System.Random((seed * 31) + t);
            threads[t] = new Thread(() =>
            {
                start.SignalAndWait();
                for (var op = 0; op < 3000; op++)
                {
                    var gfn = (ulong)random.Next(Pages);
                    var kind = random.Next(100);
                    if (kind >= 8)
                    {
                        vcpu.Fault(gfn << 12, (kind % 3) switch { 0 => PageFaultErrorCode.Present | PageFaultErrorCode.Write | PageFaultErrorCode.User, 1 => PageFaultErrorCode.Fetch | PageFaultErrorCode.User, _ => PageFaultErrorCode.User });
                        continue;
                    }

                    lock (slotLock)
                    {
                        switch (kind)
                        {
                            case 0:
                                slot = h.SetFlags(slot, KvmMemFlags.LogDirtyPages);
                                h.Mmu.SlotTrySplitHugePages(slot, PgLevel.Pg4K);
                                h.Mmu.WrprotSlot(slot, PgLevel.Pg4K);
                                break;
                            case 1:
                                slot = h.SetFlags(slot, KvmMemFlags.None);
                                h.Mmu.ZapCollapsibleSptes(slot);
                                break;
                            case 2 or 3:
                                h.Mmu.ZapGfnRange(0, gfn, gfn + (ulong)random.Next(1, 1024));
                                break;
                            case 4:
                                h.Mmu.RecoverNxHugePages(2);
                                break;
                            default:
                                h.Mmu.AgeGfnRange(0, gfn, gfn + 512);
                                break;
                        }
                    }
                }
            });
            threads[t].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        h.Mmu.Rcu.Barrier();
        Assert.True(h.Mmu.Stats[MmuStat.HugePagesSplit] > 0);
        Assert.True(h.Mmu.Stats[MmuStat.TablesFreed] > 0);
        h.Mmu.CheckInvariants([h.Cache, .. vcpus.Select(static v => v.Cache)]).ThrowIfViolated();
        Assert.Equal(h.Mmu.Stats[MmuStat.TablesInUse], h.Host.PageTablePagesInUse - h.Cache.Count - vcpus.Sum(static v => v.Cache.Count));
        for (ulong gfn = 0; gfn < Pages; gfn++)
        {
            vcpus[0].Fault(gfn << 12);
        }

        h.Mmu.CheckInvariants([h.Cache, .. vcpus.Select(static v => v.Cache)]).ThrowIfViolated();
    }

    private static Vcpu Track(ConcurrentBag<Vcpu> all, Vcpu vcpu)
    {
        all.Add(vcpu);
        return vcpu;
    }

    /// <summary>One thread's view of the MMU: its cache and its root, reloaded when invalidated.</summary>
    private sealed class Vcpu(KvmMmu<T> mmu)
    {
        private KvmMmuPage<T>? _root;

        public MemoryCache<T> Cache { get; } = new(mmu.Host);

        public long Retries { get; private set; }

        public void Fault(ulong gpa, PageFaultErrorCode error = PageFaultErrorCode.User)
        {
            while (true)
            {
                if (_root is null || KvmMmu<T>.IsObsoleteRoot(_root))
                {
                    if (_root is not null)
                    {
                        mmu.PutRoot(_root);
                    }

                    _root = mmu.GetRoot(0, Cache);
                }

                if (mmu.PageFault(_root, gpa, error, Cache) != PageFaultResult.Retry)
                {
                    return;
                }

                Retries++;
            }
        }
    }
}

/// <summary>Concurrency over EPT.</summary>
public sealed class EptConcurrencyTests : ConcurrencyTests<EptSpte>
{
    protected override MmioSpteMask Mmio => MmioSpteMask.Vmx;
}

/// <summary>Concurrency over NPT.</summary>
public sealed class NptConcurrencyTests : ConcurrencyTests<NptSpte>
{
    protected override MmioSpteMask Mmio => MmioSpteMask.Npt(46);
}

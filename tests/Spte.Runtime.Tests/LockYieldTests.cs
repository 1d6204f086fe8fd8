using System.Threading;
using Spte.Runtime.Formats;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.Mmu.Tdp;
using Spte.Runtime.X86;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>
/// Long walks yield the MMU lock (KVM's <c>tdp_mmu_iter_cond_resched</c>), once per format: the
/// restart from the GFN reached, forward progress when every step asks for a yield, and a writer
/// that gets in during a shared-lock walk, whose change the walk then sees.
/// </summary>
public abstract class LockYieldTests<T>
    where T : struct, IKvmSpte<T>
{
    private const ulong GiB = 1UL << 30;
    private const ulong MiB = 1UL << 20;

    /// <summary>The 2M leaf the writer zaps in the middle of the split.</summary>
    private const ulong Zapped = GiB + 768 * MiB;

    /// <summary>The VM's MMIO setting.</summary>
    protected abstract MmioSpteMask Mmio { get; }

    [Fact]
    public void After_a_yield_the_iterator_restarts_from_the_root_at_the_gfn_it_had_reached()
    {
        var h = new MmuHarness<T>(Mmio, maxHugePageLevel: PgLevel.Pg4K);
        h.AddSlot(0, 0, 4 * MiB);
        for (ulong gpa = 0; gpa < 4 * MiB; gpa += 0x1000)
        {
            h.Fault(gpa);
        }

        using (h.Mmu.Rcu.ReadLock())
        {
            var iter = new TdpIter<T>(h.Mmu, h.Root, PgLevel.Pg4K, 0);
            while (iter.Gfn < 700 || iter.Level != PgLevel.Pg4K)
            {
                iter.Next();
            }

            Assert.Equal(0UL, iter.YieldedGfn);
            iter.Yielded = true;
            iter.Next();

            Assert.False(iter.Yielded);
            Assert.Equal(h.Root.Level, iter.Level);
            Assert.Equal(700UL, iter.YieldedGfn);
            while (iter.Level != PgLevel.Pg4K)
            {
                iter.Next();
            }

            Assert.Equal(700UL, iter.Gfn);
        }
    }

    [Fact]
    public void A_zap_that_must_yield_at_every_step_still_zaps_everything_once()
    {
        var h = new MmuHarness<T>(Mmio, maxHugePageLevel: PgLevel.Pg4K, needResched: static () => true);
        h.AddSlot(0, 0, 8 * MiB);
        for (ulong gpa = 0; gpa < 8 * MiB; gpa += 0x1000)
        {
            h.Fault(gpa);
        }

        Assert.True(h.Mmu.ZapGfnRange(0, 0, 2048));

        Assert.Equal(0, h.Mmu.Stats[MmuStat.Pages4K]);
        Assert.Equal(2048, h.Mmu.Stats[MmuStat.SptesZapped]);

        // A yield needs progress since the last restart: the walk handles a leaf table at a
        // time, so it yields as it steps to each of the three tables after the first, and
        // restarting right there it cannot yield again before it zapped that table.
        Assert.Equal(3, h.Mmu.Stats[MmuStat.MmuLockYields]);
        h.AssertInvariants();
    }

    [Fact]
    public void Write_protection_and_teardown_that_yield_at_every_step_cover_the_whole_tree()
    {
        var h = new MmuHarness<T>(Mmio, maxHugePageLevel: PgLevel.Pg4K, needResched: static () => true);
        var slot = h.AddSlot(0, 0, 8 * MiB);
        for (ulong gpa = 0; gpa < 8 * MiB; gpa += 0x1000)
        {
            h.Fault(gpa, PageFaultErrorCode.Present | PageFaultErrorCode.Write | PageFaultErrorCode.User);
        }

        slot = h.SetFlags(slot, Memslots.KvmMemFlags.LogDirtyPages);
        Assert.True(h.Mmu.WrprotSlot(slot, PgLevel.Pg4K));
        for (ulong gpa = 0; gpa < 8 * MiB; gpa += 0x1000)
        {
            Assert.False(Spte<T>.IsWritablePte(h.Last(gpa).Spte));
        }

        var afterWrprot = h.Mmu.Stats[MmuStat.MmuLockYields];
        Assert.True(afterWrprot > 0);
        h.AssertInvariants();

        h.Mmu.PutRoot(h.Root);
        h.Mmu.ZapAll();
        h.Mmu.Rcu.Barrier();
        Assert.True(h.Mmu.Stats[MmuStat.MmuLockYields] > afterWrprot);
        Assert.Equal(0, h.Mmu.Stats[MmuStat.Pages4K]);
        Assert.Equal(0, h.Mmu.Stats[MmuStat.TablesInUse]);
    }

    /// <summary>
    /// An eager split of a 1G leaf runs under the shared lock. A writer asks for the lock while
    /// the walk is in the first 2M leafs; the walk yields, the writer zaps one 2M leaf further
    /// on (a range too short for the writer to yield in turn), and the walk, restarting from
    /// where it was, finds that entry gone and splits the other 511. Without the yield the
    /// writer would have waited for the whole split and zapped 512 4K leafs instead.
    /// </summary>
    [Fact]
    public void A_shared_walk_yields_to_a_waiting_writer_and_goes_on_over_what_the_writer_changed()
    {
        Thread? writer = null;
        var zapped = false;
        var steps = 0;
        MmuHarness<T>? harness = null;
        var h = harness = new MmuHarness<T>(Mmio, budget: 1 << 12, needResched: () =>
        {
            if (++steps == 4)
            {
                writer = new Thread(() => Volatile.Write(ref zapped, harness!.Mmu.ZapGfnRange(0, Zapped >> 12, (Zapped + 2 * MiB) >> 12)));
                writer.Start();
                SpinWait.SpinUntil(() => harness!.Mmu.MmuLock.WriterPending);
            }

            // The writer's wait is what makes the walk yield, as rwlock_needbreak sees it.
            return false;
        });
        var slot = h.AddSlot(0, GiB, GiB);
        h.Fault(GiB);
        Assert.Equal(PgLevel.Pg1G, h.Last(GiB).Level);

        Assert.True(h.Mmu.SlotTrySplitHugePages(slot, PgLevel.Pg4K));
        writer!.Join();

        Assert.True(zapped);
        Assert.Equal(1, h.Mmu.Stats[MmuStat.MmuLockYields]);
        Assert.Equal(0, h.Mmu.Stats[MmuStat.Pages2M]);
        Assert.Equal(511 * 512, h.Mmu.Stats[MmuStat.Pages4K]);
        Assert.Equal(1 + 511, h.Mmu.Stats[MmuStat.HugePagesSplit]);
        Assert.Equal(PgLevel.Pg4K, h.Last(Zapped + 2 * MiB).Level);
        Assert.False(h.Last(Zapped).Spte.IsPresent);
        h.AssertInvariants();
    }
}

/// <summary>Lock yielding over EPT.</summary>
public sealed class EptLockYieldTests : LockYieldTests<EptSpte>
{
    protected override MmioSpteMask Mmio => MmioSpteMask.Vmx;
}

/// <summary>Lock yielding over NPT.</summary>
public sealed class NptLockYieldTests : LockYieldTests<NptSpte>
{
    protected override MmioSpteMask Mmio => MmioSpteMask.Npt(46);
}

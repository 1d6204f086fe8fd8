using Spte.Runtime.Formats;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>
/// Huge page split in the TDP MMU, once per format: eager split (and what running out of host
/// memory leaves), split on a fault below a large leaf, and the NX huge page mitigation with its
/// recovery.
/// </summary>
public abstract class HugePageSplitTests<T>
    where T : struct, IKvmSpte<T>
{
    private const ulong GiB = 1UL << 30;
    private const ulong MiB = 1UL << 20;
    private const PageFaultErrorCode Read = PageFaultErrorCode.User;
    private const PageFaultErrorCode Write = PageFaultErrorCode.Present | PageFaultErrorCode.Write | PageFaultErrorCode.User;
    private const PageFaultErrorCode Fetch = PageFaultErrorCode.Fetch | PageFaultErrorCode.User;

    /// <summary>The VM's MMIO setting.</summary>
    protected abstract MmioSpteMask Mmio { get; }

    [Fact]
    public void An_eager_split_turns_a_1g_leaf_into_4k_leafs_that_map_the_same_frames()
    {
        var h = new MmuHarness<T>(Mmio);
        var slot = h.AddSlot(0, GiB, GiB);
        h.Fault(GiB + 0x5000);
        var (level, huge) = h.Last(GiB + 0x5000);
        Assert.Equal(PgLevel.Pg1G, level);
        var tables = h.Mmu.Stats[MmuStat.TablesInUse];

        Assert.True(h.Mmu.SlotTrySplitHugePages(slot, PgLevel.Pg4K));

        Assert.Equal(0, h.Mmu.Stats[MmuStat.Pages1G]);
        Assert.Equal(0, h.Mmu.Stats[MmuStat.Pages2M]);
        Assert.Equal(512 * 512, h.Mmu.Stats[MmuStat.Pages4K]);
        Assert.Equal(1 + 512, h.Mmu.Stats[MmuStat.HugePagesSplit]);
        Assert.Equal(tables + 1 + 512, h.Mmu.Stats[MmuStat.TablesInUse]);
        Assert.Equal(0, h.Mmu.Stats[MmuStat.SptesZapped]);
        foreach (var offset in new ulong[] { 0, 0x5000, 0x20_1000, 0x3FFF_F000 })
        {
            var (leafLevel, leaf) = h.Last(GiB + offset);
            Assert.Equal(PgLevel.Pg4K, leafLevel);
            Assert.Equal(huge.Pfn + (offset >> 12), leaf.Pfn);
            Assert.True(Spte<T>.IsWritablePte(leaf));
            Assert.False(Spte<T>.IsLargePte(leaf));
        }

        h.AssertInvariants();
    }

    [Fact]
    public void An_eager_split_that_runs_out_of_memory_leaves_the_rest_large_and_write_protection_still_covers_it()
    {
        var h = new MmuHarness<T>(Mmio, budget: 64);
        var slot = h.AddSlot(0, GiB, GiB);
        h.Fault(GiB);
        var free = h.Host.PageTableBudget - h.Host.PageTablePagesInUse;

        Assert.False(h.Mmu.SlotTrySplitHugePages(slot, PgLevel.Pg4K));

        // The first table takes the 1G leaf apart into 2M leafs; each one after splits one of them.
        Assert.Equal(free, h.Mmu.Stats[MmuStat.HugePagesSplit]);
        Assert.Equal(512 - (free - 1), h.Mmu.Stats[MmuStat.Pages2M]);
        Assert.Equal((free - 1) * 512, h.Mmu.Stats[MmuStat.Pages4K]);
        h.AssertInvariants();

        h.Mmu.WrprotSlot(slot, PgLevel.Pg4K);
        foreach (var offset in new ulong[] { 0, 0x3FF0_0000 })
        {
            Assert.False(Spte<T>.IsWritablePte(h.Last(GiB + offset).Spte));
        }

        Assert.Equal(PgLevel.Pg2M, h.Last(GiB + 0x3FF0_0000).Level);
        h.AssertInvariants();
    }

    [Fact]
    public void A_write_below_a_1g_leaf_in_a_logged_slot_splits_it_twice_and_maps_only_that_page_writable()
    {
        var h = new MmuHarness<T>(Mmio);
        var slot = h.AddSlot(0, GiB, GiB);
        h.Fault(GiB);
        slot = h.SetFlags(slot, KvmMemFlags.LogDirtyPages);
        h.Mmu.WrprotSlot(slot, PgLevel.Pg4K);

        Assert.Equal(PageFaultResult.Fixed, h.Fault(GiB + 0x20_5000, Write));

        Assert.Equal(2, h.Mmu.Stats[MmuStat.HugePagesSplit]);
        Assert.Equal(0, h.Mmu.Stats[MmuStat.Pages1G]);
        Assert.Equal(511, h.Mmu.Stats[MmuStat.Pages2M]);
        Assert.Equal(512, h.Mmu.Stats[MmuStat.Pages4K]);
        Assert.True(Spte<T>.IsWritablePte(h.Last(GiB + 0x20_5000).Spte));
        Assert.False(Spte<T>.IsWritablePte(h.Last(GiB + 0x20_6000).Spte));
        Assert.Equal((PgLevel.Pg2M, false), (h.Last(GiB).Level, Spte<T>.IsWritablePte(h.Last(GiB).Spte)));
        Assert.True(slot.IsDirty((GiB >> 12) + 0x205));
        Assert.False(slot.IsDirty((GiB >> 12) + 0x206));
        h.AssertInvariants();
    }

    [Fact]
    public void Under_nx_huge_pages_large_leafs_do_not_execute_and_a_fetch_splits_one_into_executable_4k_leafs()
    {
        var h = new MmuHarness<T>(Mmio, nxHugePages: true);
        h.AddSlot(0, 0, 4 * MiB);
        h.Fault(0x5000, Read);
        Assert.Equal(PgLevel.Pg2M, h.Last(0x5000).Level);
        Assert.False(Spte<T>.IsExecutablePte(h.Last(0x5000).Spte));

        // The split's 4K parts are executable already, so the leaf the fetch wants is in place:
        // RET_PF_SPURIOUS, as tdp_mmu_map_handle_target_level answers when nothing changes.
        Assert.Equal(PageFaultResult.Spurious, h.Fault(0x5000, Fetch));

        Assert.Equal((PgLevel.Pg4K, true), (h.Last(0x5000).Level, Spte<T>.IsExecutablePte(h.Last(0x5000).Spte)));
        Assert.Equal((PgLevel.Pg4K, true), (h.Last(0x1F_F000).Level, Spte<T>.IsExecutablePte(h.Last(0x1F_F000).Spte)));
        Assert.Equal(1, h.Mmu.Stats[MmuStat.HugePagesSplit]);
        Assert.Equal(1, h.Mmu.Stats[MmuStat.NxLpageSplits]);
        h.AssertInvariants();
    }

    [Fact]
    public void The_invariant_check_catches_an_executable_large_leaf_under_nx_huge_pages()
    {
        var h = new MmuHarness<T>(Mmio, nxHugePages: true);
        h.AddSlot(0, 0, 4 * MiB);
        h.Fault(0x5000, Read);
        ref var sptep = ref h.Mmu.Tdp.FastPfGetLastSptep(h.Root, 5, out var level, out var leaf);
        Assert.Equal(PgLevel.Pg2M, level);
        sptep = T.FromRaw((leaf.Raw | T.ShadowXMask) & ~T.ShadowNxMask);

        var report = h.Mmu.CheckInvariants([h.Cache]);
        Assert.Contains(report.Violations, static v => v.Contains("executable under the NX huge page mitigation", System.StringComparison.Ordinal));
    }

    [Fact]
    public void Without_nx_huge_pages_a_fetch_uses_the_large_leaf()
    {
        var h = new MmuHarness<T>(Mmio);
        h.AddSlot(0, 0, 4 * MiB);
        h.Fault(0x5000, Fetch);
        Assert.Equal((PgLevel.Pg2M, true), (h.Last(0x5000).Level, Spte<T>.IsExecutablePte(h.Last(0x5000).Spte)));
        Assert.Equal(0, h.Mmu.Stats[MmuStat.NxLpageSplits]);
    }

    [Fact]
    public void A_data_fault_beside_a_fetch_stays_small_until_recovery_zaps_the_table()
    {
        var h = new MmuHarness<T>(Mmio, nxHugePages: true);
        h.AddSlot(0, 0, 4 * MiB);
        h.Fault(0x5000, Fetch);
        Assert.Equal(1, h.Mmu.Stats[MmuStat.NxLpageSplits]);

        // disallowed_hugepage_adjust: a large leaf here would undo the fetch's table.
        h.Fault(0x9000, Read);
        Assert.Equal(PgLevel.Pg4K, h.Last(0x9000).Level);
        Assert.Equal(PgLevel.Pg4K, h.Last(0x5000).Level);

        Assert.Equal(1, h.Mmu.RecoverNxHugePages(60));
        Assert.Equal(0, h.Mmu.Stats[MmuStat.NxLpageSplits]);
        Assert.False(h.Last(0x5000).Spte.IsPresent);
        h.Fault(0x9000, Read);
        Assert.Equal((PgLevel.Pg2M, false), (h.Last(0x5000).Level, Spte<T>.IsExecutablePte(h.Last(0x5000).Spte)));
        h.AssertInvariants();
    }

    [Fact]
    public void Recovery_zaps_the_oldest_tables_first_one_ratio_th_rounded_up()
    {
        var h = new MmuHarness<T>(Mmio, nxHugePages: true);
        h.AddSlot(0, 0, 6 * MiB);
        foreach (var gpa in new ulong[] { 0x1000, 0x20_1000, 0x40_1000 })
        {
            h.Fault(gpa, Fetch);
        }

        Assert.Equal(3, h.Mmu.Stats[MmuStat.NxLpageSplits]);
        Assert.Equal(2, h.Mmu.RecoverNxHugePages(2));
        Assert.False(h.Last(0x1000).Spte.IsPresent);
        Assert.False(h.Last(0x20_1000).Spte.IsPresent);
        Assert.True(h.Last(0x40_1000).Spte.IsPresent);
        Assert.Equal(1, h.Mmu.Stats[MmuStat.NxLpageSplits]);
        Assert.Equal(0, h.Mmu.RecoverNxHugePages(0));
        h.AssertInvariants();
    }

    [Fact]
    public void Recovery_in_a_dirty_logged_slot_only_forgets_the_table()
    {
        var h = new MmuHarness<T>(Mmio, nxHugePages: true);
        var slot = h.AddSlot(0, 0, 4 * MiB);
        h.Fault(0x5000, Fetch);
        h.SetFlags(slot, KvmMemFlags.LogDirtyPages);
        var tables = h.Mmu.Stats[MmuStat.TablesInUse];

        Assert.Equal(0, h.Mmu.RecoverNxHugePages(1));

        Assert.Equal(0, h.Mmu.Stats[MmuStat.NxLpageSplits]);
        Assert.Equal(tables, h.Mmu.Stats[MmuStat.TablesInUse]);
        Assert.True(h.Last(0x5000).Spte.IsPresent);
        h.AssertInvariants();
    }

    [Fact]
    public void Zapping_a_split_table_another_way_takes_it_off_the_recovery_list()
    {
        var h = new MmuHarness<T>(Mmio, nxHugePages: true);
        h.AddSlot(0, 0, 4 * MiB);
        h.Fault(0x5000, Fetch);
        h.Mmu.ZapGfnRange(0, 0, 1024);
        Assert.Equal(1, h.Mmu.Stats[MmuStat.NxLpageSplits]);
        h.Mmu.ZapAllFast();
        Assert.Equal(0, h.Mmu.Stats[MmuStat.NxLpageSplits]);
        Assert.Equal(0, h.Mmu.RecoverNxHugePages(1));
    }
}

/// <summary>Huge page split over EPT.</summary>
public sealed class EptHugePageSplitTests : HugePageSplitTests<EptSpte>
{
    protected override MmioSpteMask Mmio => MmioSpteMask.Vmx;
}

/// <summary>Huge page split over NPT.</summary>
public sealed class NptHugePageSplitTests : HugePageSplitTests<NptSpte>
{
    protected override MmioSpteMask Mmio => MmioSpteMask.Npt(46);
}

using System.Linq;
using Spte.Runtime.Formats;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>The fault path, once per format: exact SPTEs for 4K/2M/1G maps, MMIO SPTEs and their generation, read-only and dirty-logged slots.</summary>
public abstract class TdpMmuFaultTests<T>
    where T : struct, IKvmSpte<T>
{
    private const ulong GiB = 1UL << 30;
    private const ulong MiB = 1UL << 20;

    /// <summary>The VM's MMIO setting.</summary>
    protected abstract MmioSpteMask Mmio { get; }

    /// <summary>A writable 4K leaf without its PFN.</summary>
    protected abstract ulong Leaf4K { get; }

    /// <summary>A writable large leaf without its PFN.</summary>
    protected abstract ulong LeafLarge { get; }

    /// <summary>A read-only 4K leaf without its PFN.</summary>
    protected abstract ulong ReadOnlyLeaf4K { get; }

    /// <summary>A non-leaf without its PFN.</summary>
    protected abstract ulong NonLeaf { get; }

    /// <summary>The error code of the fault an MMIO SPTE raises on its next access.</summary>
    protected abstract PageFaultErrorCode MmioSpteFault { get; }

    [Fact]
    public void Maps_a_4_k_leaf_where_the_slot_is_not_aligned()
    {
        var h = Harness();
        var slot = h.AddSlot(0, 0x1000, 4 * MiB);
        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x1000));
        var walk = h.Walk(0x1000);
        Assert.Equal([4, 3, 2, 1], walk.Select(static w => w.Level));
        foreach (var (level, spte) in walk.Take(3))
        {
            Assert.Equal(NonLeaf, spte.Raw & ~T.SpteBaseAddrMask);
            Assert.Equal(level - 1, h.Mmu.PageOf(spte.Pfn)!.Level);
        }

        Assert.Equal(Leaf4K | (slot.Backing.FirstPfn << 12), walk[3].Spte.Raw);
        Assert.Equal(1, h.Mmu.Stats[MmuStat.Pages4K]);
        Assert.Equal(4, h.Mmu.Stats[MmuStat.TablesInUse]);
        h.AssertInvariants();
    }

    [Fact]
    public void Maps_a_2_m_leaf_where_the_slot_allows()
    {
        var h = Harness();
        var slot = h.AddSlot(0, 0, 4 * MiB);
        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x3000));
        var (level, spte) = h.Last(0x3000);
        Assert.Equal(PgLevel.Pg2M, level);
        Assert.Equal(LeafLarge | (slot.Backing.FirstPfn << 12), spte.Raw);
        Assert.Equal(1, h.Mmu.Stats[MmuStat.Pages2M]);
        h.AssertInvariants();
    }

    [Fact]
    public void Maps_a_1_g_leaf_when_the_slot_covers_an_aligned_gi_b()
    {
        var h = Harness();
        var slot = h.AddSlot(0, GiB, GiB);
        Assert.Equal(PageFaultResult.Fixed, h.Fault(GiB + 0x12345000));
        var (level, spte) = h.Last(GiB + 0x12345000);
        Assert.Equal(PgLevel.Pg1G, level);
        Assert.Equal(LeafLarge | (slot.Backing.FirstPfn << 12), spte.Raw);
        Assert.Equal(1, h.Mmu.Stats[MmuStat.Pages1G]);
        h.AssertInvariants();
    }

    [Fact]
    public void Without_gigabyte_pages_maps_at2_m()
    {
        var h = Harness(maxHugePageLevel: PgLevel.Pg2M);
        h.AddSlot(0, GiB, GiB);
        h.Fault(GiB);
        Assert.Equal(PgLevel.Pg2M, h.Last(GiB).Level);
    }

    [Fact]
    public void Slot_edges_limit_large_pages()
    {
        var h = Harness();
        h.AddSlot(0, 0, 3 * MiB);
        h.Fault(MiB);
        h.Fault((2 * MiB) + 0x1000);
        Assert.Equal(PgLevel.Pg2M, h.Last(MiB).Level);
        Assert.Equal(PgLevel.Pg4K, h.Last((2 * MiB) + 0x1000).Level);
        h.AssertInvariants();
    }

    [Fact]
    public void Read_only_slots_map_read_only_and_writes_are_emulated()
    {
        var h = Harness();
        var slot = h.AddSlot(0, 0x10000, 0x1000, KvmMemFlags.ReadOnly);
        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x10000));
        Assert.Equal(ReadOnlyLeaf4K | (slot.Backing.FirstPfn << 12), h.Last(0x10000).Spte.Raw);
        Assert.Equal(PageFaultResult.Emulate, h.Fault(0x10000, PageFaultErrorCode.Present | PageFaultErrorCode.Write));
        h.AssertInvariants();
    }

    [Fact]
    public void A_gfn_without_slot_gets_an_mmio_spte_with_the_generation()
    {
        var h = Harness();
        h.AddSlot(0, 0, MiB);
        Assert.Equal(PageFaultResult.Emulate, h.Fault(0xFEB00000));
        var (level, spte) = h.Last(0xFEB00000);
        Assert.Equal(PgLevel.Pg4K, level);
        Assert.Equal(Spte<T>.MakeMmioSpte(Mmio, 0xFEB00, 1, SpteAccess.All).Raw, spte.Raw);
        Assert.True(Mmio.IsMmioSpte(spte.Raw));
        Assert.Equal(1u, spte.MmioGeneration);
        Assert.False(spte.IsPresent);
        Assert.Equal(1, h.Mmu.Stats[MmuStat.PfMmioSpteCreated]);

        // The next access faults on the MMIO SPTE itself: KVM recognises it without a memslot walk.
        Assert.Equal(PageFaultResult.Emulate, h.Fault(0xFEB00000, MmioSpteFault));
        Assert.Equal(1, h.Mmu.Stats[MmuStat.PfMmioSpteCreated]);
        h.AssertInvariants();
    }

    [Fact]
    public void A_generation_bump_makes_mmio_sptes_stale()
    {
        var h = Harness();
        h.AddSlot(0, 0, MiB);
        h.Fault(0xFEB00000);
        h.AddSlot(1, 16 * MiB, MiB);
        h.AssertInvariants();
        Assert.Equal(PageFaultResult.Emulate, h.Fault(0xFEB00000, MmioSpteFault));
        Assert.Equal(1, h.Mmu.Stats[MmuStat.MmioSpteStale]);
        Assert.Equal(2, h.Mmu.Stats[MmuStat.PfMmioSpteCreated]);
        Assert.Equal(2u, h.Last(0xFEB00000).Spte.MmioGeneration);
        h.AssertInvariants();
    }

    [Fact]
    public void A_stale_mmio_spte_becomes_ram_when_a_slot_appears()
    {
        var h = Harness();
        h.Fault(0x200000);
        var slot = h.AddSlot(0, 0x200000, 0x1000);
        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x200000, MmioSpteFault));
        Assert.Equal(Leaf4K | (slot.Backing.FirstPfn << 12), h.Last(0x200000).Spte.Raw);
        h.AssertInvariants();
    }

    [Fact]
    public void Five_level_roots_map_addresses_above48_bits()
    {
        var h = Harness(maxPhyAddr: 52, rootLevel: PgLevel.Root5Level);
        var gpa = 1UL << 50;
        var slot = h.AddSlot(0, gpa, 0x2000);
        Assert.Equal(PgLevel.Root5Level, h.Root.Level);
        Assert.Equal((1UL << 40) - 1, h.Mmu.MaxGfn);
        h.Fault(gpa + 0x1000);
        var walk = h.Walk(gpa + 0x1000);
        Assert.Equal([5, 4, 3, 2, 1], walk.Select(static w => w.Level));
        Assert.Equal(Leaf4K | ((slot.Backing.FirstPfn + 1) << 12), walk[^1].Spte.Raw);
        h.AssertInvariants();
    }

    [Fact]
    public void A_fault_on_an_already_mapped_gfn_is_spurious()
    {
        var h = Harness();
        h.AddSlot(0, 0, 0x1000);
        Assert.Equal(PageFaultResult.Fixed, h.Fault(0));
        Assert.Equal(PageFaultResult.Spurious, h.Fault(0));
        Assert.Equal(1, h.Mmu.Stats[MmuStat.PfSpurious]);
    }

    [Fact]
    public void A_frozen_entry_makes_the_fault_retry()
    {
        var h = Harness();
        h.AddSlot(0, 0, 0x1000);
        h.Root.Spt[0] = T.Frozen;
        Assert.Equal(PageFaultResult.Retry, h.Mmu.PageFault(h.Root, 0, PageFaultErrorCode.User, h.Cache));
        Assert.Equal(1, h.Mmu.Stats[MmuStat.FrozenSpteSeen]);
        h.Root.Spt[0] = T.NonPresent;
        Assert.Equal(PageFaultResult.Fixed, h.Fault(0));
        h.AssertInvariants();
    }

    [Fact]
    public void Dirty_logging_maps_at4_k_write_protects_and_the_fast_path_logs_writes()
    {
        var h = Harness();
        var slot = h.AddSlot(0, 0, 2 * MiB, KvmMemFlags.LogDirtyPages);
        h.Fault(0x5000, PageFaultErrorCode.Write);
        Assert.Equal(PgLevel.Pg4K, h.Last(0x5000).Level);
        Assert.True(slot.IsDirty(5));

        Assert.True(h.Mmu.WrprotSlot(slot, PgLevel.Pg4K));
        var wrprot = h.Last(0x5000).Spte;
        Assert.False(Spte<T>.IsWritablePte(wrprot));
        Assert.True(Spte<T>.IsMmuWritableSpte(wrprot));

        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x5000, PageFaultErrorCode.Present | PageFaultErrorCode.Write));
        Assert.Equal(1, h.Mmu.Stats[MmuStat.PfFast]);
        Assert.True(Spte<T>.IsWritablePte(h.Last(0x5000).Spte));
        h.AssertInvariants();
    }

    [Fact]
    public void Stopping_dirty_logging_collapses_tables_back_into_large_pages()
    {
        var h = Harness();
        var slot = h.AddSlot(0, 0, 2 * MiB, KvmMemFlags.LogDirtyPages);
        h.Fault(0x5000);
        h.Fault(0x6000);
        slot = h.SetFlags(slot, KvmMemFlags.None);
        Assert.Equal(1, h.Mmu.ZapCollapsibleSptes(slot));
        Assert.Equal(T.NonPresent, h.Last(0x5000).Spte);
        Assert.Equal(2, h.Mmu.Stats[MmuStat.SptesZapped]);
        h.Fault(0x5000);
        Assert.Equal(PgLevel.Pg2M, h.Last(0x5000).Level);
        h.AssertInvariants();
    }

    [Fact]
    public void A_write_to_a_large_page_while_logging_splits_it_and_maps_the_written_page_writable()
    {
        var h = Harness();
        var slot = h.AddSlot(0, 0, 2 * MiB);
        h.Fault(0x5000);
        Assert.Equal(PgLevel.Pg2M, h.Last(0x5000).Level);
        slot = h.SetFlags(slot, KvmMemFlags.LogDirtyPages);
        h.Mmu.WrprotSlot(slot, PgLevel.Pg4K);
        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x5000, PageFaultErrorCode.Present | PageFaultErrorCode.Write));
        Assert.Equal(PgLevel.Pg4K, h.Last(0x5000).Level);
        Assert.True(Spte<T>.IsWritablePte(h.Last(0x5000).Spte));

        // tdp_mmu_split_huge_page: the other 511 pages stay mapped, read-only as the large leaf was.
        Assert.Equal(0, h.Mmu.Stats[MmuStat.Pages2M]);
        Assert.Equal(512, h.Mmu.Stats[MmuStat.Pages4K]);
        Assert.Equal(1, h.Mmu.Stats[MmuStat.HugePagesSplit]);
        Assert.Equal(0, h.Mmu.Stats[MmuStat.SptesZapped]);
        Assert.Equal(PgLevel.Pg4K, h.Last(0x6000).Level);
        Assert.False(Spte<T>.IsWritablePte(h.Last(0x6000).Spte));
        Assert.Equal(h.Last(0x5000).Spte.Pfn + 1, h.Last(0x6000).Spte.Pfn);
        Assert.True(slot.IsDirty(5));
        Assert.False(slot.IsDirty(6));
        h.AssertInvariants();
    }

    [Fact]
    public void Aging_clears_the_accessed_bit_and_reports_it()
    {
        var h = Harness();
        h.AddSlot(0, 0, 0x4000);
        h.Fault(0x1000);
        Assert.True(h.Mmu.TestAgeGfn(0, 0, 4));
        Assert.True(h.Mmu.AgeGfnRange(0, 0, 4));
        Assert.Equal(0UL, h.Last(0x1000).Spte.Raw & T.ShadowAccessedMask);
        Assert.False(h.Mmu.AgeGfnRange(0, 0, 4));
        Assert.False(h.Mmu.TestAgeGfn(0, 0, 4));
        h.AssertInvariants();
    }

    [Fact]
    public void Each_address_space_has_its_own_root_and_slots()
    {
        var h = Harness();
        h.AddSlot(0, 0, 0x1000);
        var smmSlot = h.AddSlot((1 << 16) | 0, 0, 0x1000);
        var smmRoot = h.Mmu.GetRoot(1, h.Cache);
        Assert.NotSame(h.Root, smmRoot);
        Assert.Equal(PageFaultResult.Fixed, h.Mmu.PageFault(smmRoot, 0, PageFaultErrorCode.User, h.Cache));
        Assert.Equal(smmSlot.Backing.FirstPfn, h.Mmu.GetWalk(smmRoot, 0)[^1].Spte.Pfn);
        Assert.Equal(T.NonPresent, h.Root.Spt[0]);
        h.AssertInvariants();
    }

    [Fact]
    public void A_fault_that_needs_no_new_table_allocates_nothing()
    {
        var h = Harness(maxHugePageLevel: PgLevel.Pg4K);
        h.AddSlot(0, 0, 2 * MiB);
        h.Fault(0x0000);
        h.Fault(0x1000);
        var before = System.GC.GetAllocatedBytesForCurrentThread();
        var result = h.Mmu.PageFault(h.Root, 0x2000, PageFaultErrorCode.User, h.Cache);
        Assert.Equal(0, System.GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(PageFaultResult.Fixed, result);
        Assert.True(h.Last(0x2000).Spte.IsPresent);
    }

    private MmuHarness<T> Harness(int maxPhyAddr = 46, int rootLevel = PgLevel.Root4Level, int maxHugePageLevel = PgLevel.Pg1G) =>
        new(Mmio, maxPhyAddr: maxPhyAddr, rootLevel: rootLevel, maxHugePageLevel: maxHugePageLevel);
}

/// <summary>The fault path over EPT (plain VMX MMIO SPTEs).</summary>
public sealed class EptFaultTests : TdpMmuFaultTests<EptSpte>
{
    protected override MmioSpteMask Mmio => MmioSpteMask.Vmx;

    protected override ulong Leaf4K => 0x8600000000000B37UL;

    protected override ulong LeafLarge => 0x8600000000000BB7UL;

    protected override ulong ReadOnlyLeaf4K => 0x8000000000000935UL;

    protected override ulong NonLeaf => 0x8000000000000907UL;

    protected override PageFaultErrorCode MmioSpteFault => PageFaultErrorCode.Rsvd;
}

/// <summary>The fault path over NPT.</summary>
public sealed class NptFaultTests : TdpMmuFaultTests<NptSpte>
{
    protected override MmioSpteMask Mmio => MmioSpteMask.Npt(46);

    protected override ulong Leaf4K => 0xE67UL;

    protected override ulong LeafLarge => 0xEE7UL;

    protected override ulong ReadOnlyLeaf4K => 0x825UL;

    protected override ulong NonLeaf => 0x827UL;

    protected override PageFaultErrorCode MmioSpteFault => PageFaultErrorCode.Present | PageFaultErrorCode.Rsvd | PageFaultErrorCode.User | PageFaultErrorCode.GuestFinal;
}

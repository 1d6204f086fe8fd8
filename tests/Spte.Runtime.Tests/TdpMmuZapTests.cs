using System.Linq;
using Spte.Runtime.Formats;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>Every zap path leaves exactly the non-present value; page tables go through the frozen value and are freed after a grace period.</summary>
public abstract class TdpMmuZapTests<T>
    where T : struct, IKvmSpte<T>
{
    private const ulong MiB = 1UL << 20;

    /// <summary>The VM's MMIO setting.</summary>
    protected abstract MmioSpteMask Mmio { get; }

    [Fact]
    public void Zap_leafs_writes_the_non_present_value()
    {
        var h = Harness();
        h.AddSlot(0, 0x1000, MiB);
        foreach (var gpa in new ulong[] { 0x1000, 0x2000, 0x3000 })
        {
            h.Fault(gpa);
        }

        Assert.True(h.Mmu.ZapGfnRange(0, 1, 3));
        Assert.Equal(T.NonPresentValue, h.Last(0x1000).Spte.Raw);
        Assert.Equal(T.NonPresentValue, h.Last(0x2000).Spte.Raw);
        Assert.True(h.Last(0x3000).Spte.IsPresent);
        Assert.Equal(2, h.Mmu.Stats[MmuStat.SptesZapped]);
        Assert.Equal(1, h.Mmu.Stats[MmuStat.Pages4K]);
        Assert.Equal(4, h.Mmu.Stats[MmuStat.TablesInUse]);
        h.AssertInvariants();
    }

    [Fact]
    public void Zap_leafs_over_part_of_two_last_level_tables_zaps_exactly_that_range()
    {
        var h = new MmuHarness<T>(Mmio, maxHugePageLevel: PgLevel.Pg4K);
        h.AddSlot(0, 0, 4 * MiB);
        for (var gfn = 0UL; gfn < 1024; gfn++)
        {
            h.Fault(gfn << 12);
        }

        Assert.True(h.Mmu.ZapGfnRange(0, 100, 700));
        for (var gfn = 0UL; gfn < 1024; gfn++)
        {
            var spte = h.Last(gfn << 12).Spte;
            if (gfn is >= 100 and < 700)
            {
                Assert.Equal(T.NonPresentValue, spte.Raw);
            }
            else
            {
                Assert.True(spte.IsPresent, $"gfn 0x{gfn:X} was zapped");
            }
        }

        Assert.Equal(600, h.Mmu.Stats[MmuStat.SptesZapped]);
        Assert.Equal(424, h.Mmu.Stats[MmuStat.Pages4K]);
        Assert.False(h.Mmu.ZapGfnRange(0, 100, 700));
        h.AssertInvariants();
    }

    [Fact]
    public void Zap_sp_removes_one_table_and_frees_it_after_the_grace_period()
    {
        var h = Harness();
        h.AddSlot(0, 0x1000, MiB);
        h.Fault(0x1000);
        var walk = h.Walk(0x1000);
        var table = h.Mmu.PageOf(walk[2].Spte.Pfn)!;
        var inUse = h.Host.PageTablePagesInUse;
        Assert.True(h.Mmu.ZapSp(table));
        Assert.Equal(T.NonPresentValue, h.Walk(0x1000)[2].Spte.Raw);
        Assert.Equal(PgLevel.Pg2M, h.Last(0x1000).Level);
        Assert.Null(h.Mmu.PageOf(table.Pfn));
        Assert.Equal(1, h.Mmu.Stats[MmuStat.TablesFreed]);
        Assert.Equal(inUse - 1, h.Host.PageTablePagesInUse);
        Assert.Null(h.Host.PageTable<T>(table.Pfn));
        Assert.False(h.Mmu.ZapSp(table));
        Assert.False(h.Mmu.ZapSp(h.Root));
        h.AssertInvariants();
    }

    [Fact]
    public void An_exclusive_removal_freezes_the_present_children_and_defers_the_free()
    {
        var h = Harness();
        h.AddSlot(0, 0x1000, MiB);
        h.Fault(0x1000);
        h.Fault(0x2000);
        var table = h.Mmu.PageOf(h.Walk(0x1000)[2].Spte.Pfn)!;
        using (h.Mmu.Rcu.ReadLock())
        {
            h.Mmu.ZapSp(table);
            Assert.Equal(0, h.Mmu.Stats[MmuStat.TablesFreed]);
            Assert.Equal(1, h.Mmu.Rcu.Pending);
            Assert.Same(table.Spt, h.Host.PageTable<T>(table.Pfn));
            Assert.Equal(2, table.Spt.Count(static e => e.IsFrozen));
            Assert.Equal(510, table.Spt.Count(static e => e.Raw == T.NonPresentValue));
            h.AssertInvariants();
        }

        h.Mmu.Rcu.Poll();
        Assert.Equal(1, h.Mmu.Stats[MmuStat.TablesFreed]);
        Assert.Null(h.Host.PageTable<T>(table.Pfn));
        h.AssertInvariants();
    }

    [Fact]
    public void The_atomic_zap_freezes_the_entry_then_writes_non_present_then_tears_down_and_later_frees_the_child()
    {
        var h = Harness();
        var slot = h.AddSlot(0, 0, 2 * MiB, KvmMemFlags.LogDirtyPages);
        h.Fault(0x5000);
        var pdTable = h.Mmu.PageOf(h.Walk(0x5000)[1].Spte.Pfn)!;
        var child = h.Mmu.PageOf(pdTable.Spt[0].Pfn)!;
        var leafBefore = child.Spt[5];
        T pdeAtWrite = default;
        T leafAtWrite = default;

        // The seam runs exactly when the zap writes the entry: observe the state at that instant.
        h.Mmu.ZapValueOverride = path =>
        {
            Assert.Equal(ZapPath.ZapSpteAtomic, path);
            pdeAtWrite = pdTable.Spt[0];
            leafAtWrite = child.Spt[5];
            return T.NonPresent;
        };

        slot = h.SetFlags(slot, KvmMemFlags.None);
        using (h.Mmu.Rcu.ReadLock())
        {
            Assert.Equal(1, h.Mmu.ZapCollapsibleSptes(slot));
            Assert.Equal(T.Frozen.Raw, pdeAtWrite.Raw);
            Assert.Equal(leafBefore, leafAtWrite);
            Assert.Equal(T.NonPresentValue, pdTable.Spt[0].Raw);
            Assert.All(child.Spt, static e => Assert.True(e.IsFrozen));
            Assert.Equal(0, h.Mmu.Stats[MmuStat.TablesFreed]);
            Assert.Same(child.Spt, h.Host.PageTable<T>(child.Pfn));
        }

        h.Mmu.Rcu.Poll();
        Assert.Equal(1, h.Mmu.Stats[MmuStat.TablesFreed]);
        Assert.Null(h.Host.PageTable<T>(child.Pfn));
        h.AssertInvariants();
    }

    [Fact]
    public void The_fast_zap_invalidates_roots_and_frees_them_when_the_last_reference_goes()
    {
        var h = Harness();
        h.AddSlot(0, 0x1000, MiB);
        h.Fault(0x1000);
        var oldRoot = h.Root;
        h.Mmu.ZapAllFast();
        Assert.True(oldRoot.Invalid);
        Assert.All(oldRoot.Spt, static e => Assert.Equal(T.NonPresentValue, e.Raw));
        Assert.Equal(3, h.Mmu.Stats[MmuStat.TablesFreed]);
        Assert.Equal(1, h.Mmu.Stats[MmuStat.TablesInUse]);
        h.AssertInvariants();

        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x1000));
        Assert.NotSame(oldRoot, h.Root);
        Assert.Equal(4, h.Mmu.Stats[MmuStat.TablesFreed]);
        Assert.Single(h.Mmu.Roots);
        h.AssertInvariants();
    }

    [Fact]
    public void Zap_all_leaves_nothing()
    {
        var h = Harness();
        h.AddSlot(0, 0, 4 * MiB);
        h.Fault(0);
        h.Fault(0xFEB00000);
        h.Mmu.ZapAll();
        h.Mmu.PutRoot(h.Root);
        h.Mmu.Rcu.Barrier();
        Assert.Empty(h.Mmu.Roots);
        Assert.Equal(0, h.Mmu.Stats[MmuStat.TablesInUse]);
        Assert.Equal(h.Mmu.Stats[MmuStat.TablesAllocated], h.Mmu.Stats[MmuStat.TablesFreed]);
        Assert.Equal(h.Cache.Count, h.Host.PageTablePagesInUse);
    }

    [Fact]
    public void Change_pte_to_a_read_only_page_installs_a_read_only_leaf_and_a_write_breaks_the_sharing()
    {
        var h = Harness();
        var slot = h.AddSlot(0, 0x1000, 0x1000);
        h.Fault(0x1000);
        var before = h.Last(0x1000).Spte;
        var ksm = h.Host.ReserveGuestRam(1);
        h.Mmu.ChangePte(slot, 1, new HostPte(ksm, Writable: false));
        Assert.Equal(Spte<T>.ChangedPteNotifierMakeSpte(before, ksm), h.Last(0x1000).Spte);
        h.AssertInvariants();

        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x1000, PageFaultErrorCode.Present | PageFaultErrorCode.Write));
        var after = h.Last(0x1000).Spte;
        Assert.True(Spte<T>.IsWritablePte(after));
        Assert.NotEqual(ksm, after.Pfn);
        Assert.Equal(slot.HostPteOf(1).Pfn, after.Pfn);
        h.AssertInvariants();
    }

    [Fact]
    public void Change_pte_to_a_writable_page_zaps_and_the_next_fault_maps_the_new_page()
    {
        var h = Harness();
        var slot = h.AddSlot(0, 0x1000, 0x1000);
        h.Fault(0x1000);
        var moved = h.Host.ReserveGuestRam(1);
        h.Mmu.ChangePte(slot, 1, new HostPte(moved, Writable: true));
        Assert.Equal(T.NonPresentValue, h.Last(0x1000).Spte.Raw);
        h.Fault(0x1000);
        Assert.Equal(moved, h.Last(0x1000).Spte.Pfn);
        h.AssertInvariants();
    }

    [Fact]
    public void Invalidations_move_the_notifier_sequence()
    {
        var h = Harness();
        var seq = h.Mmu.MmuInvalidateSeq;
        h.Mmu.UnmapGfnRange(0, 0, 16);
        Assert.Equal(seq + 1, h.Mmu.MmuInvalidateSeq);
    }

    private MmuHarness<T> Harness() => new(Mmio);
}

/// <summary>Zaps over EPT.</summary>
public sealed class EptZapTests : TdpMmuZapTests<EptSpte>
{
    protected override MmioSpteMask Mmio => MmioSpteMask.Vmx;
}

/// <summary>Zaps over NPT.</summary>
public sealed class NptZapTests : TdpMmuZapTests<NptSpte>
{
    protected override MmioSpteMask Mmio => MmioSpteMask.Npt(46);
}

using System.Linq;
using System;
using Spte.Runtime.Formats;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>Topup fills every page with the format's non-present value, partial topups included; running out is a clear error that changes nothing.</summary>
public class MemoryCacheTests
{
    [Fact]
    public void Topup_fills_every_ept_page_with_the_non_present_value()
    {
        var host = new HostMemory(100);
        var cache = new MemoryCache<EptSpte>(host);
        cache.Topup(5);
        Assert.Equal(MemoryCache<EptSpte>.DefaultCapacity, cache.Count);
        Assert.All(cache.Pages, p => Assert.All(p.Spt, e => Assert.Equal(0x8000000000000000UL, e.Raw)));
        Assert.All(cache.Pages, p => Assert.Equal(512, p.Spt.Length));
        Assert.Equal(40, host.PageTablePagesInUse);
    }

    [Fact]
    public void Topup_fills_npt_pages_with_zero()
    {
        var cache = new MemoryCache<NptSpte>(new HostMemory(100));
        cache.Topup(1);
        Assert.All(cache.Pages, p => Assert.All(p.Spt, e => Assert.Equal(0UL, e.Raw)));
    }

    [Fact]
    public void Partial_topup_succeeds_above_the_minimum_and_initialises_what_it_got()
    {
        var host = new HostMemory(7);
        var cache = new MemoryCache<EptSpte>(host);
        cache.Topup(5);
        Assert.Equal(7, cache.Count);
        Assert.All(cache.Pages, p => Assert.All(p.Spt, e => Assert.Equal(EptSpte.NonPresent, e)));
    }

    [Fact]
    public void Topup_below_the_minimum_throws_and_keeps_its_initialised_pages()
    {
        var host = new HostMemory(3);
        var cache = new MemoryCache<EptSpte>(host);
        var error = Assert.Throws<HostMemoryExhaustedException>(() => cache.Topup(5));
        Assert.Equal(3, error.Budget);
        Assert.Equal(5, error.Needed);
        Assert.Equal(3, error.Available);
        Assert.Contains("exhausted", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, cache.Count);
        Assert.All(cache.Pages, p => Assert.All(p.Spt, e => Assert.Equal(EptSpte.NonPresent, e)));
    }

    [Fact]
    public void Reused_frames_are_refilled()
    {
        var host = new HostMemory(1);
        var cache = new MemoryCache<EptSpte>(host, capacity: 1);
        cache.Topup(1);
        var page = cache.Alloc();
        page.Spt[7] = EptSpte.Frozen;
        host.FreePageTable(page.Pfn);
        cache.Topup(1);
        var again = cache.Alloc();
        Assert.Equal(page.Pfn, again.Pfn);
        Assert.All(again.Spt, e => Assert.Equal(EptSpte.NonPresent, e));
    }

    [Fact]
    public void A_freed_table_backs_the_next_table_of_its_format_all_non_present()
    {
        var host = new HostMemory(4);
        var first = host.TryAllocatePageTable<EptSpte>()!.Value;
        first.Spt.AsSpan().Fill(EptSpte.Frozen);
        first.Spt[3] = EptSpte.FromRaw(0x1234_5000 | EptSpte.MmuPresentMask);
        host.FreePageTable(first.Pfn);
        var again = host.TryAllocatePageTable<EptSpte>()!.Value;
        Assert.Same(first.Spt, again.Spt);
        Assert.All(again.Spt, e => Assert.Equal(EptSpte.NonPresent, e));
        Assert.Null(host.PageTable<EptSpte>(first.Pfn + 1));
    }

    [Fact]
    public void A_freed_table_is_never_handed_out_as_another_format()
    {
        var host = new HostMemory(4);
        var ept = host.TryAllocatePageTable<EptSpte>()!.Value;
        host.FreePageTable(ept.Pfn);
        var npt = host.TryAllocatePageTable<NptSpte>()!.Value;
        Assert.NotSame(ept.Spt, npt.Spt);
        Assert.All(npt.Spt, e => Assert.Equal(NptSpte.NonPresent, e));
        Assert.NotNull(host.PageTable<NptSpte>(npt.Pfn));
        Assert.Null(host.PageTable<EptSpte>(npt.Pfn));
    }

    [Fact]
    public void Populated_tables_use_no_budget_and_come_out_non_present()
    {
        var host = new HostMemory(50);
        Assert.Equal(50, host.PopulatePageTables<EptSpte>(200));
        Assert.Equal(0, host.PageTablePagesInUse);
        var cache = new MemoryCache<EptSpte>(host);
        cache.Topup(1);
        Assert.Equal(MemoryCache<EptSpte>.DefaultCapacity, cache.Count);
        Assert.Equal(MemoryCache<EptSpte>.DefaultCapacity, host.PageTablePagesInUse);
        Assert.All(cache.Pages, p => Assert.All(p.Spt, e => Assert.Equal(EptSpte.NonPresent, e)));
        Assert.Equal(10, host.PopulatePageTables<EptSpte>(0));
        var other = new MemoryCache<EptSpte>(host);
        Assert.Throws<HostMemoryExhaustedException>(() => other.Topup(11));
    }

    [Fact]
    public void Tables_of_a_removed_subtree_are_reused_after_their_grace_period_all_non_present()
    {
        var h = new MmuHarness<EptSpte>(MmioSpteMask.Vmx);
        h.AddSlot(0, 0, 1 << 20);
        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x1000));
        var leafTable = h.Mmu.GetWalk(h.Root, 0x1000)[^2].Spte.Pfn;
        var array = h.Host.PageTable<EptSpte>(leafTable)!;
        Assert.True(h.Mmu.ZapSp(h.Mmu.PageOf(leafTable)!));
        h.Mmu.Rcu.Barrier();
        Assert.Null(h.Host.PageTable<EptSpte>(leafTable));
        Assert.All(array, e => Assert.True(e.IsFrozen || !e.IsPresent));
        var cache = new MemoryCache<EptSpte>(h.Host, capacity: 64);
        cache.Topup(64);
        Assert.Contains(cache.Pages, p => ReferenceEquals(p.Spt, array));
        Assert.All(cache.Pages, p => Assert.All(p.Spt, e => Assert.Equal(EptSpte.NonPresent, e)));
    }

    [Fact]
    public void Alloc_from_an_empty_cache_is_a_programming_error()
    {
        var cache = new MemoryCache<EptSpte>(new HostMemory(4));
        Assert.Throws<InvalidOperationException>(() => cache.Alloc());
    }

    [Fact]
    public void Free_all_returns_the_pages()
    {
        var host = new HostMemory(50);
        var cache = new MemoryCache<NptSpte>(host);
        cache.Topup(2);
        cache.FreeAll();
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, host.PageTablePagesInUse);
        Assert.Throws<InvalidOperationException>(() => host.FreePageTable(HostMemory.PageTableBasePfn));
    }

    [Fact]
    public void A_fault_that_cannot_top_up_changes_no_entry()
    {
        // Budget: 40 pages go into the cache with the root, one more than the root needs is left.
        var h = new MmuHarness<EptSpte>(MmioSpteMask.Vmx, budget: 44);
        h.AddSlot(0, 0, 1 << 20);
        var before = h.Root.Spt.ToArray();
        var other = new MemoryCache<EptSpte>(h.Host);
        Assert.Throws<HostMemoryExhaustedException>(() => h.Mmu.PageFault(h.Root, 0x1000, PageFaultErrorCode.User, other));
        Assert.Equal(before, h.Root.Spt);
        Assert.Equal(0, h.Mmu.Stats[MmuStat.PfFixed]);
        Assert.True(h.Mmu.CheckInvariants([h.Cache, other]).Ok);
        Assert.Equal(4, other.Count);
        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x1000));
        h.Mmu.CheckInvariants([h.Cache, other]).ThrowIfViolated();
    }
}

using System;
using Spte.Runtime.Formats;
using Spte.Runtime.Memory;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>
/// A slot's <c>lpage_info</c>: the large pages it sticks out of, guest and host frames aligned
/// unlike, the counts the legacy MMU adds, and which memslot changes keep it.
/// </summary>
public class LpageInfoTests
{
    private const ulong Pages2M = 512;
    private const ulong Pages1G = 512 * 512;

    [Fact]
    public void Large_pages_at_an_unaligned_head_and_tail_are_disallowed_and_the_ones_inside_are_not()
    {
        // GFNs 0x100..0x100 + 1G + 2M: the first and last 2M pages stick out, and every 1G one.
        var info = new KvmLpageInfo(0x100, Pages1G + Pages2M, firstHostPfn: 0x100);

        Assert.True(info.Disallowed(0x100, PgLevel.Pg2M));
        Assert.False(info.Disallowed(Pages2M, PgLevel.Pg2M));
        Assert.False(info.Disallowed(Pages1G, PgLevel.Pg2M));
        Assert.True(info.Disallowed(Pages1G + Pages2M, PgLevel.Pg2M));
        Assert.True(info.Disallowed(0x100, PgLevel.Pg1G));
        Assert.True(info.Disallowed(Pages1G, PgLevel.Pg1G));
    }

    [Fact]
    public void Guest_and_host_frames_aligned_only_at_2m_disallow_every_1g_page()
    {
        var info = new KvmLpageInfo(0, 2 * Pages1G, firstHostPfn: Pages2M);

        Assert.False(info.Disallowed(0, PgLevel.Pg2M));
        Assert.False(info.Disallowed(Pages1G + Pages2M, PgLevel.Pg2M));
        Assert.True(info.Disallowed(0, PgLevel.Pg1G));
        Assert.True(info.Disallowed(Pages1G, PgLevel.Pg1G));
    }

    [Fact]
    public void A_gfn_whose_large_page_the_slot_does_not_overlap_is_disallowed()
    {
        var info = new KvmLpageInfo(Pages1G, Pages1G, firstHostPfn: 0);

        Assert.True(info.Disallowed(0, PgLevel.Pg2M));
        Assert.True(info.Disallowed(2 * Pages1G, PgLevel.Pg1G));
        Assert.False(info.Disallowed(Pages1G, PgLevel.Pg1G));
    }

    [Fact]
    public void A_shadowed_table_disallows_the_large_pages_around_it_until_it_is_given_back()
    {
        var info = new KvmLpageInfo(0, Pages1G, firstHostPfn: 0);

        info.UpdateDisallowLpageCount(Pages2M + 7, +1);
        info.UpdateDisallowLpageCount(Pages2M + 9, +1);
        Assert.True(info.Disallowed(Pages2M, PgLevel.Pg2M));
        Assert.True(info.Disallowed(0, PgLevel.Pg1G));
        Assert.False(info.Disallowed(2 * Pages2M, PgLevel.Pg2M));

        info.UpdateDisallowLpageCount(Pages2M + 7, -1);
        Assert.True(info.Disallowed(Pages2M, PgLevel.Pg2M));
        info.UpdateDisallowLpageCount(Pages2M + 9, -1);
        Assert.False(info.Disallowed(Pages2M, PgLevel.Pg2M));
        Assert.False(info.Disallowed(0, PgLevel.Pg1G));
        Assert.Throws<InvalidOperationException>(() => info.UpdateDisallowLpageCount(Pages2M, -1));
    }

    [Fact]
    public void A_flags_only_change_keeps_the_slots_lpage_info_and_a_move_computes_it_afresh()
    {
        var h = new MmuHarness<EptSpte>(MmioSpteMask.Vmx);
        var slot = h.AddSlot(0, 0, 1UL << 30);
        slot.LpageInfo.UpdateDisallowLpageCount(0, +1);

        var logging = slot.With(slot.BaseGfn, KvmMemFlags.LogDirtyPages);
        var moved = slot.With(Pages1G, KvmMemFlags.None);

        Assert.Same(slot.LpageInfo, logging.LpageInfo);
        Assert.False(moved.LpageInfo.Disallowed(Pages1G, PgLevel.Pg2M));
        Assert.True(slot.LpageInfo.Disallowed(0, PgLevel.Pg2M));
    }

    [Fact]
    public void A_fault_maps_4k_where_lpage_info_disallows_and_2m_where_it_allows()
    {
        var h = new MmuHarness<EptSpte>(MmioSpteMask.Vmx);
        // Guest and host frames aligned alike: only the slot's unaligned head keeps 4K.
        var backing = new GuestRamBacking(h.Host, h.Host.ReserveGuestRam(4 * Pages2M) + Pages2M - 100, 3 * Pages2M + 100, h.Memslots.Notifier);
        backing.Populate();
        h.Memslots.Commit(new MemslotChange(KvmMrChange.Create, null, new KvmMemorySlot(0, 0, Pages2M - 100, 3 * Pages2M + 100, KvmMemFlags.None, backing)));

        Assert.Equal(PageFaultResult.Fixed, h.Fault((Pages2M - 50) << HostMemory.PageShift));
        Assert.Equal(PageFaultResult.Fixed, h.Fault((Pages2M + 5) << HostMemory.PageShift));

        Assert.Equal(PgLevel.Pg4K, h.Last((Pages2M - 50) << HostMemory.PageShift).Level);
        Assert.Equal(PgLevel.Pg2M, h.Last((Pages2M + 5) << HostMemory.PageShift).Level);
        h.AssertInvariants();
    }
}

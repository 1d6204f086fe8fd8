using System.Collections.Generic;
using Spte.Runtime.Formats;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.Mmu.Tdp;
using Spte.Runtime.X86;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>The iterator visits entries in pre-order, steps into present non-leafs only, and honours its minimum level.</summary>
public class TdpIterTests
{
    [Fact]
    public void Visits_in_pre_order_and_steps_into_present_non_leafs_only()
    {
        var h = new MmuHarness<EptSpte>(MmioSpteMask.Vmx);
        h.AddSlot(0, 0x1000, 0x2000);
        h.Fault(0x1000);
        h.Fault(0x2000);
        var visited = new List<(int Level, ulong Gfn)>();
        for (var it = new TdpIter<EptSpte>(h.Mmu, h.Root, PgLevel.Pg4K, 0); it.Valid && it.Gfn < 4; it.Next())
        {
            visited.Add((it.Level, it.Gfn));
        }

        Assert.Equal([(4, 0UL), (3, 0UL), (2, 0UL), (1, 0UL), (1, 1UL), (1, 2UL), (1, 3UL)], visited);
    }

    [Fact]
    public void The_minimum_level_stops_the_descent()
    {
        var h = new MmuHarness<NptSpte>(MmioSpteMask.Npt(46));
        h.AddSlot(0, 0x1000, 0x2000);
        h.Fault(0x1000);
        var levels = new List<int>();
        for (var it = new TdpIter<NptSpte>(h.Mmu, h.Root, PgLevel.Pg2M, 0); it.Valid && it.Gfn < 1024; it.Next())
        {
            levels.Add(it.Level);
        }

        Assert.Equal([4, 3, 2, 2], levels);
    }

    [Fact]
    public void Starts_inside_the_range_and_covers_five_levels()
    {
        var h = new MmuHarness<EptSpte>(MmioSpteMask.Vmx, maxPhyAddr: 52, rootLevel: PgLevel.Root5Level);
        var gfn = (1UL << 38) + 5;
        h.AddSlot(0, gfn << 12, 0x1000);
        h.Fault(gfn << 12);
        var it = new TdpIter<EptSpte>(h.Mmu, h.Root, PgLevel.Pg4K, gfn);
        var levels = new List<int>();
        for (; it.Valid && it.Gfn <= gfn; it.Next())
        {
            levels.Add(it.Level);
        }

        Assert.Equal([5, 4, 3, 2, 1], levels);
    }
}

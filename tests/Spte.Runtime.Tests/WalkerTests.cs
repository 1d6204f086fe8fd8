using Spte.Runtime.Formats;
using Spte.Runtime.Hardware;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>Hand-built tables in host memory, for the hardware walkers.</summary>
internal sealed class Tables<T>
    where T : struct, IKvmSpte<T>
{
    public Tables(int maxPhyAddr = 46)
    {
        Host = new HostMemory(64, maxPhyAddr);
        for (var level = 4; level >= 1; level--)
        {
            var page = Host.TryAllocatePageTable<T>()!.Value;
            Pfn[level] = page.Pfn;
            Table[level] = page.Spt;
        }

        Ram = Host.ReserveGuestRam(1UL << 18);
        for (var level = 4; level > 1; level--)
        {
            Table[level][0] = Spte<T>.MakeNonLeafSpte(Pfn[level - 1]);
        }
    }

    public HostMemory Host { get; }

    public ulong[] Pfn { get; } = new ulong[5];

    public T[][] Table { get; } = new T[5][];

    /// <summary>A 1 GiB-aligned run of guest RAM frames.</summary>
    public ulong Ram { get; }

    public ulong RootPfn => Pfn[4];
}

public class EptWalkerTests
{
    [Fact]
    public void Translates_and_sets_accessed_and_dirty_flags()
    {
        var t = new Tables<EptSpte>();
        t.Table[1][1] = EptSpte.FromRaw(Spte<EptSpte>.MakeSpte(1, t.Ram + 7, SpteAccess.All, hostWritable: true).Raw & ~EptSpte.Leaf.DirtyMask);
        ClearAccessed(t);
        var walker = new EptWalker(t.Host, new EptCapabilities(), veInfo: null);
        var read = walker.Walk(t.RootPfn, 4, 0x1234, GuestAccessKind.Read);
        Assert.Equal(TdpWalkOutcome.Translated, read.Outcome);
        Assert.Equal(((t.Ram + 7) << 12) | 0x234, read.Hpa);
        for (var level = 4; level >= 1; level--)
        {
            Assert.True((t.Table[level][level == 1 ? 1 : 0].Raw & EptSpte.Leaf.AccessedMask) != 0, $"level {level} accessed");
        }

        Assert.False(t.Table[1][1].AsLeaf.Dirty);
        walker.Walk(t.RootPfn, 4, 0x1234, GuestAccessKind.Write);
        Assert.True(t.Table[1][1].AsLeaf.Dirty);
    }

    [Fact]
    public void A_non_present_entry_is_a_violation_with_its_qualification()
    {
        var t = new Tables<EptSpte>();
        t.Table[4][0] = EptSpte.NonPresent;
        var walker = new EptWalker(t.Host, new EptCapabilities(), new VeInformationArea());
        var r = walker.Walk(t.RootPfn, 4, 0x1000, GuestAccessKind.Read);
        Assert.Equal(TdpWalkOutcome.EptViolation, r.Outcome);
        Assert.Equal(4, r.Level);
        Assert.Equal(EptSpte.NonPresentValue, r.Entry);
        Assert.Equal(0x181UL, (ulong)r.Qualification);
        Assert.Equal(0x182UL, (ulong)walker.Walk(t.RootPfn, 4, 0x1000, GuestAccessKind.Write).Qualification);
        Assert.Equal(0x184UL, (ulong)walker.Walk(t.RootPfn, 4, 0x1000, GuestAccessKind.Fetch).Qualification);
    }

    [Fact]
    public void A_missing_permission_is_a_violation_reporting_the_paths_permissions()
    {
        var t = new Tables<EptSpte>();
        t.Table[1][1] = EptSpte.FromRaw(0x8000000000000935UL | ((t.Ram + 1) << 12));
        var r = new EptWalker(t.Host, new EptCapabilities(), veInfo: null).Walk(t.RootPfn, 4, 0x1000, GuestAccessKind.Write);
        Assert.Equal(TdpWalkOutcome.EptViolation, r.Outcome);
        Assert.Equal(1, r.Level);
        Assert.Equal(EptViolationQualification.AccWrite | EptViolationQualification.Readable | EptViolationQualification.Executable
            | EptViolationQualification.GvaIsValid | EptViolationQualification.GvaTranslated, r.Qualification);
    }

    [Theory]
    [InlineData(0x2UL, "write without read")]
    [InlineData(0x6UL, "write without read")]
    public void Write_without_read_is_a_misconfiguration(ulong xwr, string reason)
    {
        var t = new Tables<EptSpte>();
        t.Table[1][1] = EptSpte.FromRaw(0x800UL | 0x30 | xwr | ((t.Ram + 1) << 12));
        var r = new EptWalker(t.Host, new EptCapabilities(), new VeInformationArea()).Walk(t.RootPfn, 4, 0x1000, GuestAccessKind.Read);
        Assert.Equal(TdpWalkOutcome.EptMisconfig, r.Outcome);
        Assert.StartsWith(reason, r.Reason, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Kvms_vmx_mmio_spte_is_a_misconfiguration()
    {
        var t = new Tables<EptSpte>();
        t.Table[1][1] = Spte<EptSpte>.MakeMmioSpte(MmioSpteMask.Vmx, 1, 3, SpteAccess.All);
        var r = new EptWalker(t.Host, new EptCapabilities(), new VeInformationArea()).Walk(t.RootPfn, 4, 0x1000, GuestAccessKind.Read);
        Assert.Equal(TdpWalkOutcome.EptMisconfig, r.Outcome);
    }

    [Fact]
    public void Execute_only_needs_the_capability()
    {
        var t = new Tables<EptSpte>();
        t.Table[1][1] = EptSpte.FromRaw(0x800UL | 0x30 | 0x4 | ((t.Ram + 1) << 12));
        Assert.Equal(TdpWalkOutcome.EptMisconfig, new EptWalker(t.Host, new EptCapabilities { ExecuteOnly = false }, null).Walk(t.RootPfn, 4, 0x1000, GuestAccessKind.Fetch).Outcome);
        var walker = new EptWalker(t.Host, new EptCapabilities { ExecuteOnly = true }, null);
        Assert.Equal(TdpWalkOutcome.Translated, walker.Walk(t.RootPfn, 4, 0x1000, GuestAccessKind.Fetch).Outcome);
        Assert.Equal(TdpWalkOutcome.EptViolation, walker.Walk(t.RootPfn, 4, 0x1000, GuestAccessKind.Read).Outcome);
    }

    [Theory]
    [InlineData(4, 1UL << 3)]
    [InlineData(4, 1UL << 7)]
    [InlineData(3, 1UL << 6)]
    [InlineData(2, 1UL << 4)]
    [InlineData(4, 1UL << 46)]
    public void Reserved_bits_in_a_non_leaf_are_a_misconfiguration(int level, ulong bit)
    {
        var t = new Tables<EptSpte>();
        t.Table[level][0] = EptSpte.FromRaw(t.Table[level][0].Raw | bit);
        var r = new EptWalker(t.Host, new EptCapabilities(), null).Walk(t.RootPfn, 4, 0x1000, GuestAccessKind.Read);
        Assert.Equal(TdpWalkOutcome.EptMisconfig, r.Outcome);
        Assert.Equal(level, r.Level);
    }

    [Fact]
    public void Large_leaves_reserve_their_low_frame_bits_and_need_support()
    {
        var t = new Tables<EptSpte>();
        var walker = new EptWalker(t.Host, new EptCapabilities(), null);
        t.Table[2][0] = Spte<EptSpte>.MakeSpte(2, t.Ram, SpteAccess.All, hostWritable: true);
        var ok = walker.Walk(t.RootPfn, 4, 0x1F_F123, GuestAccessKind.Read);
        Assert.Equal(TdpWalkOutcome.Translated, ok.Outcome);
        Assert.Equal((t.Ram << 12) + 0x1F_F123, ok.Hpa);

        t.Table[2][0] = Spte<EptSpte>.MakeSpte(2, t.Ram + 1, SpteAccess.All, hostWritable: true);
        Assert.Equal(TdpWalkOutcome.EptMisconfig, walker.Walk(t.RootPfn, 4, 0, GuestAccessKind.Read).Outcome);

        t.Table[3][0] = Spte<EptSpte>.MakeSpte(3, t.Ram, SpteAccess.All, hostWritable: true);
        Assert.Equal(TdpWalkOutcome.Translated, walker.Walk(t.RootPfn, 4, 0x3FFF_FFFF, GuestAccessKind.Read).Outcome);
        Assert.Equal(TdpWalkOutcome.EptMisconfig, new EptWalker(t.Host, new EptCapabilities { Supports1G = false }, null).Walk(t.RootPfn, 4, 0, GuestAccessKind.Read).Outcome);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void A_reserved_memory_type_is_a_misconfiguration(int memoryType)
    {
        var t = new Tables<EptSpte>();
        var leaf = Spte<EptSpte>.MakeSpte(1, t.Ram, SpteAccess.All, hostWritable: true);
        t.Table[1][0] = EptSpte.FromRaw((leaf.Raw & ~EptSpte.Leaf.MemoryTypeMask) | ((ulong)memoryType << 3));
        var r = new EptWalker(t.Host, new EptCapabilities(), null).Walk(t.RootPfn, 4, 0, GuestAccessKind.Read);
        Assert.Equal(TdpWalkOutcome.EptMisconfig, r.Outcome);
        Assert.Contains("memory type", r.Reason, System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Every_leaf_permission_and_memory_type_is_judged_as_the_sdm_says(bool executeOnly)
    {
        var t = new Tables<EptSpte>();
        var walker = new EptWalker(t.Host, new EptCapabilities { ExecuteOnly = executeOnly }, veInfo: null);
        var leaf = Spte<EptSpte>.MakeSpte(1, t.Ram, SpteAccess.All, hostWritable: true).Raw & ~(EptSpte.VmxEptRwxMask | EptSpte.Leaf.MemoryTypeMask);
        for (var xwr = 1UL; xwr <= 7; xwr++)
        {
            for (var memoryType = 0UL; memoryType <= 7; memoryType++)
            {
                t.Table[1][1] = EptSpte.FromRaw(leaf | xwr | (memoryType << EptSpte.Leaf.MemoryTypeShift));
                var misconfigured = (xwr & 3) == 2 || (xwr == 4 && !executeOnly) || memoryType is 2 or 3 or 7;
                var outcome = walker.Walk(t.RootPfn, 4, 0x1000, GuestAccessKind.Fetch).Outcome;
                Assert.True(misconfigured == (outcome == TdpWalkOutcome.EptMisconfig), $"XWR {xwr} memory type {memoryType}: {outcome}");
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Every_table_entry_and_large_leaf_is_judged_as_the_sdm_says_at_every_level(bool executeOnly)
    {
        // Bits 5..0 of an upper-level entry: XWR, then reserved bits 3..5 in a table entry or
        // the memory type in a large leaf; bit 7 is reserved in a PML4E and makes a large leaf below.
        for (var level = 4; level >= 2; level--)
        {
            foreach (var large in new[] { false, true })
            {
                for (var low6 = 1UL; low6 < 64; low6++)
                {
                    var xwr = low6 & 7;
                    if (xwr == 0)
                    {
                        continue;
                    }

                    var t = new Tables<EptSpte>();
                    var walker = new EptWalker(t.Host, new EptCapabilities { ExecuteOnly = executeOnly }, veInfo: null);
                    var frame = large ? t.Ram : t.Pfn[level - 1];
                    t.Table[level][0] = EptSpte.FromRaw((frame << 12) | low6 | (large ? EptSpte.LargeLeaf.LargePageMask : 0));
                    var badXwr = (xwr & 3) == 2 || (xwr == 4 && !executeOnly);
                    var misconfigured = (level == 4 && large)
                        || badXwr
                        || (large ? (low6 >> 3) is 2 or 3 or 7 : (low6 >> 3) != 0);
                    var r = walker.Walk(t.RootPfn, 4, 0, GuestAccessKind.Read);
                    Assert.True(misconfigured == (r.Outcome == TdpWalkOutcome.EptMisconfig), $"level {level} large {large} bits 0x{low6:X}: {r.Outcome} ({r.Reason})");
                    if (misconfigured)
                    {
                        Assert.Equal(level, r.Level);
                    }
                }
            }
        }
    }

    [Fact]
    public void A_convertible_violation_becomes_a_ve_while_the_info_area_is_free()
    {
        var t = new Tables<EptSpte>();
        t.Table[1][1] = Spte<EptSpte>.MakeMmioSpte(MmioSpteMask.Tdx, 1, 1, SpteAccess.All);
        var ve = new VeInformationArea();
        var walker = new EptWalker(t.Host, new EptCapabilities(), ve);

        var first = walker.Walk(t.RootPfn, 4, 0x1010, GuestAccessKind.Write);
        Assert.Equal(TdpWalkOutcome.VirtualizationException, first.Outcome);
        Assert.Equal(VeInformationArea.Busy, ve.Delivery);
        Assert.Equal(48u, ve.ExitReason);
        Assert.Equal(0x1010UL, ve.GuestPhysicalAddress);
        Assert.Equal(0x182UL, (ulong)ve.ExitQualification);

        // Busy: the next convertible violation exits to the host instead.
        Assert.Equal(TdpWalkOutcome.EptViolation, walker.Walk(t.RootPfn, 4, 0x1010, GuestAccessKind.Read).Outcome);
        ve.Get();
        Assert.Equal(0u, ve.Delivery);
        Assert.Equal(TdpWalkOutcome.VirtualizationException, walker.Walk(t.RootPfn, 4, 0x1010, GuestAccessKind.Read).Outcome);
    }

    [Fact]
    public void Suppress_ve_on_the_deciding_entry_makes_it_an_exit()
    {
        var t = new Tables<EptSpte>();
        t.Table[1][1] = EptSpte.NonPresent;
        var ve = new VeInformationArea();
        Assert.Equal(TdpWalkOutcome.EptViolation, new EptWalker(t.Host, new EptCapabilities(), ve).Walk(t.RootPfn, 4, 0x1000, GuestAccessKind.Read).Outcome);
        Assert.Equal(0u, ve.Delivery);
    }

    [Fact]
    public void Without_the_ve_control_every_violation_exits()
    {
        var t = new Tables<EptSpte>();
        t.Table[1][1] = Spte<EptSpte>.MakeMmioSpte(MmioSpteMask.Tdx, 1, 1, SpteAccess.All);
        Assert.Equal(TdpWalkOutcome.EptViolation, new EptWalker(t.Host, new EptCapabilities(), null).Walk(t.RootPfn, 4, 0x1000, GuestAccessKind.Read).Outcome);
    }

    [Fact]
    public void A_non_present_entry_at_any_level_decides()
    {
        var t = new Tables<EptSpte>();
        t.Table[3][0] = EptSpte.FromRaw(0); // what a zap that writes 0 leaves
        var r = new EptWalker(t.Host, new EptCapabilities(), new VeInformationArea()).Walk(t.RootPfn, 4, 0x1000, GuestAccessKind.Read);
        Assert.Equal(TdpWalkOutcome.VirtualizationException, r.Outcome);
        Assert.Equal(3, r.Level);
    }

    [Fact]
    public void A_present_leaf_decides_a_permission_violation()
    {
        var t = new Tables<EptSpte>();
        var readOnly = 0x8000000000000935UL | ((t.Ram + 1) << 12);
        t.Table[1][1] = EptSpte.FromRaw(readOnly & ~EptSpte.SuppressVeMask);
        var walker = new EptWalker(t.Host, new EptCapabilities(), new VeInformationArea());
        Assert.Equal(TdpWalkOutcome.VirtualizationException, walker.Walk(t.RootPfn, 4, 0x1000, GuestAccessKind.Write).Outcome);
        t.Table[1][1] = EptSpte.FromRaw(readOnly);
        Assert.Equal(TdpWalkOutcome.EptViolation, new EptWalker(t.Host, new EptCapabilities(), new VeInformationArea()).Walk(t.RootPfn, 4, 0x1000, GuestAccessKind.Write).Outcome);
    }

    [Fact]
    public void A_freed_table_under_a_present_entry_is_reported()
    {
        var t = new Tables<EptSpte>();
        t.Host.FreePageTable(t.Pfn[1]);
        Assert.Throws<System.InvalidOperationException>(() => new EptWalker(t.Host, new EptCapabilities(), null).Walk(t.RootPfn, 4, 0x1000, GuestAccessKind.Read));
    }

    private static void ClearAccessed(Tables<EptSpte> t)
    {
        for (var level = 4; level >= 1; level--)
        {
            for (var i = 0; i < 2; i++)
            {
                t.Table[level][i] = EptSpte.FromRaw(t.Table[level][i].Raw & ~EptSpte.Leaf.AccessedMask);
            }
        }
    }
}

public class NptWalkerTests
{
    private const PageFaultErrorCode UserFinal = PageFaultErrorCode.User | PageFaultErrorCode.GuestFinal;

    [Fact]
    public void Translates_and_sets_accessed_and_dirty_flags()
    {
        var t = new Tables<NptSpte>();
        t.Table[1][1] = NptSpte.FromRaw(Spte<NptSpte>.MakeSpte(1, t.Ram + 3, SpteAccess.All, hostWritable: true).Raw & ~(NptSpte.Leaf.AccessedMask | NptSpte.Leaf.DirtyMask));
        t.Table[4][0] = NptSpte.FromRaw(t.Table[4][0].Raw & ~NptSpte.NonLeaf.AccessedMask);
        var walker = new NptWalker(t.Host, new NptCapabilities());
        var r = walker.Walk(t.RootPfn, 4, 0x1ABC, GuestAccessKind.Read);
        Assert.Equal(TdpWalkOutcome.Translated, r.Outcome);
        Assert.Equal(((t.Ram + 3) << 12) | 0xABC, r.Hpa);
        Assert.True(t.Table[4][0].AsNonLeaf.Accessed);
        Assert.True(t.Table[1][1].AsLeaf.Accessed);
        Assert.False(t.Table[1][1].AsLeaf.Dirty);
        walker.Walk(t.RootPfn, 4, 0x1ABC, GuestAccessKind.Write);
        Assert.True(t.Table[1][1].AsLeaf.Dirty);
    }

    [Theory]
    [InlineData(GuestAccessKind.Read, UserFinal)]
    [InlineData(GuestAccessKind.Write, UserFinal | PageFaultErrorCode.Write)]
    [InlineData(GuestAccessKind.Fetch, UserFinal | PageFaultErrorCode.Fetch)]
    public void A_non_present_entry_faults_without_p(GuestAccessKind access, PageFaultErrorCode expected)
    {
        var t = new Tables<NptSpte>();
        var r = new NptWalker(t.Host, new NptCapabilities()).Walk(t.RootPfn, 4, 0x1000, access);
        Assert.Equal(TdpWalkOutcome.NestedPageFault, r.Outcome);
        Assert.Equal(expected, r.ErrorCode);
        Assert.Equal(1, r.Level);
    }

    [Fact]
    public void An_mmio_spte_faults_with_rsvd()
    {
        var t = new Tables<NptSpte>();
        t.Table[1][1] = Spte<NptSpte>.MakeMmioSpte(MmioSpteMask.Npt(46), 1, 5, SpteAccess.All);
        var r = new NptWalker(t.Host, new NptCapabilities()).Walk(t.RootPfn, 4, 0x1000, GuestAccessKind.Write);
        Assert.Equal(TdpWalkOutcome.NestedPageFault, r.Outcome);
        Assert.Equal(UserFinal | PageFaultErrorCode.Present | PageFaultErrorCode.Rsvd | PageFaultErrorCode.Write, r.ErrorCode);
    }

    [Fact]
    public void Protection_faults_set_p()
    {
        var t = new Tables<NptSpte>();
        var walker = new NptWalker(t.Host, new NptCapabilities());
        t.Table[1][1] = Spte<NptSpte>.MakeSpte(1, t.Ram, SpteAccess.All, hostWritable: false);
        Assert.Equal(UserFinal | PageFaultErrorCode.Present | PageFaultErrorCode.Write, walker.Walk(t.RootPfn, 4, 0x1000, GuestAccessKind.Write).ErrorCode);
        t.Table[1][1] = Spte<NptSpte>.MakeSpte(1, t.Ram, SpteAccess.Write | SpteAccess.User, hostWritable: true);
        Assert.Equal(UserFinal | PageFaultErrorCode.Present | PageFaultErrorCode.Fetch, walker.Walk(t.RootPfn, 4, 0x1000, GuestAccessKind.Fetch).ErrorCode);
        t.Table[3][0] = NptSpte.FromRaw(t.Table[3][0].Raw & ~NptSpte.UserMask);
        Assert.Equal(UserFinal | PageFaultErrorCode.Present, walker.Walk(t.RootPfn, 4, 0x1000, GuestAccessKind.Read).ErrorCode);
    }

    [Fact]
    public void Page_size_is_reserved_in_the_pml4e()
    {
        var t = new Tables<NptSpte>();
        t.Table[4][0] = NptSpte.FromRaw(t.Table[4][0].Raw | NptSpte.LargeLeaf.PageSizeMask);
        var r = new NptWalker(t.Host, new NptCapabilities()).Walk(t.RootPfn, 4, 0, GuestAccessKind.Read);
        Assert.Equal(UserFinal | PageFaultErrorCode.Present | PageFaultErrorCode.Rsvd, r.ErrorCode);
        Assert.Equal(4, r.Level);
    }

    [Fact]
    public void Large_leaves_translate_and_reserve_their_low_frame_bits()
    {
        var t = new Tables<NptSpte>();
        var walker = new NptWalker(t.Host, new NptCapabilities());
        t.Table[2][0] = Spte<NptSpte>.MakeSpte(2, t.Ram, SpteAccess.All, hostWritable: true);
        Assert.Equal((t.Ram << 12) + 0x12_3456, walker.Walk(t.RootPfn, 4, 0x12_3456, GuestAccessKind.Read).Hpa);

        // Bit 12 is a large page's PAT bit, not an address bit; bit 13 is reserved.
        t.Table[2][0] = NptSpte.FromRaw(t.Table[2][0].Raw | (1UL << 12));
        Assert.Equal((t.Ram << 12) + 0x12_3456, walker.Walk(t.RootPfn, 4, 0x12_3456, GuestAccessKind.Read).Hpa);
        t.Table[2][0] = NptSpte.FromRaw(t.Table[2][0].Raw | (1UL << 13));
        Assert.Equal(TdpWalkOutcome.NestedPageFault, walker.Walk(t.RootPfn, 4, 0, GuestAccessKind.Read).Outcome);

        t.Table[3][0] = Spte<NptSpte>.MakeSpte(3, t.Ram, SpteAccess.All, hostWritable: true);
        Assert.Equal(TdpWalkOutcome.Translated, walker.Walk(t.RootPfn, 4, 0x3000_0000, GuestAccessKind.Read).Outcome);
        Assert.Equal(PageFaultErrorCode.Rsvd, new NptWalker(t.Host, new NptCapabilities { Supports1G = false }).Walk(t.RootPfn, 4, 0, GuestAccessKind.Read).ErrorCode & PageFaultErrorCode.Rsvd);
    }

    [Fact]
    public void Address_bits_above_max_phy_addr_are_reserved()
    {
        var t = new Tables<NptSpte>(maxPhyAddr: 40);
        t.Table[1][0] = NptSpte.FromRaw(Spte<NptSpte>.MakeSpte(1, t.Ram, SpteAccess.All, hostWritable: true).Raw | (1UL << 45));
        Assert.Equal(UserFinal | PageFaultErrorCode.Present | PageFaultErrorCode.Rsvd, new NptWalker(t.Host, new NptCapabilities { MaxPhyAddr = 40 }).Walk(t.RootPfn, 4, 0, GuestAccessKind.Read).ErrorCode);
    }
}

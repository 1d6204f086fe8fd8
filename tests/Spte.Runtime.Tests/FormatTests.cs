using Spte.Runtime.Formats;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>The declared formats carry KVM's constants, and spte.c's constructors build KVM's exact values.</summary>
public class FormatTests
{
    [Fact]
    public void Ept_constants_are_kvms()
    {
        Assert.Equal(0x8000000000000000UL, EptSpte.NonPresentValue);
        Assert.Equal(0x80000000000005A0UL, EptSpte.FrozenValue);
        Assert.Equal(0x800UL, EptSpte.PresentMask);
        Assert.Equal(0x0030000000000000UL, EptSpte.SpteTdpAdMask);
        Assert.Equal(0x0140000000000000UL, EptSpte.ShadowAccTrackSavedMask);
        Assert.Equal(0x0200000000000000UL, EptSpte.EptSpteHostWritableMask);
        Assert.Equal(0x0400000000000000UL, EptSpte.EptSpteMmuWritableMask);
        Assert.Equal(0x7F8UL, EptSpte.MmioSpteGenLowMask);
        Assert.Equal(0x7FF0000000000000UL, EptSpte.MmioSpteGenHighMask);
        Assert.Equal(0x800FFFFFFFFFF007UL, EptSpte.SpteMmioAllowedMask);
        Assert.Equal(0xF8UL, EptSpte.NonLeaf.ReservedMask);
        Assert.False(EptSpte.NonPresent.IsPresent);
        Assert.False(EptSpte.Frozen.IsPresent);
    }

    [Fact]
    public void Npt_constants_are_kvms()
    {
        Assert.Equal(0UL, NptSpte.NonPresentValue);
        Assert.Equal(0x5A0UL, NptSpte.FrozenValue);
        Assert.Equal(0x200UL, NptSpte.DefaultSpteHostWritableMask);
        Assert.Equal(0x400UL, NptSpte.DefaultSpteMmuWritableMask);
        Assert.Equal(0x80UL, NptSpte.NonLeaf.ReservedMask);
        Assert.False(NptSpte.Frozen.PagePresent);
    }

    [Fact]
    public void Mmio_generation_is_split_over_bits3_to10_and52_to62()
    {
        Assert.Equal(0x7FF00000000007F8UL, EptSpte.NonPresent.AsMmio.WithGeneration(0x7FFFF).Raw & EptSpte.Mmio.GenerationMask);
        Assert.Equal(0x0010000000000000UL | (0xFFUL << 3), EptSpte.Mmio.FromRaw(EptSpte.NonPresentValue).WithGeneration(0x1FF).Raw & ~EptSpte.SuppressVeMask);
        Assert.Equal(0x1FFu, NptSpte.Mmio.FromRaw(0x0010000000000000UL | (0xFFUL << 3)).Generation);
    }

    [Theory]
    [InlineData(1, true, 0x8600000001234B37UL)]
    [InlineData(2, true, 0x8600000001234BB7UL)]
    [InlineData(3, true, 0x8600000001234BB7UL)]
    [InlineData(1, false, 0x8000000001234935UL)]
    public void Ept_make_spte(int level, bool hostWritable, ulong expected) =>
        Assert.Equal(expected, Spte<EptSpte>.MakeSpte(level, 0x1234, SpteAccess.All, hostWritable).Raw);

    [Theory]
    [InlineData(1, true, 0x0000000001234E67UL)]
    [InlineData(2, true, 0x0000000001234EE7UL)]
    [InlineData(1, false, 0x0000000001234825UL)]
    public void Npt_make_spte(int level, bool hostWritable, ulong expected) =>
        Assert.Equal(expected, Spte<NptSpte>.MakeSpte(level, 0x1234, SpteAccess.All, hostWritable).Raw);

    [Fact]
    public void Npt_leaf_without_exec_gets_nx() =>
        Assert.Equal(0x8000000001234E67UL, Spte<NptSpte>.MakeSpte(1, 0x1234, SpteAccess.Write | SpteAccess.User, hostWritable: true).Raw);

    [Fact]
    public void Make_non_leaf_spte()
    {
        Assert.Equal(0x8000000000200907UL, Spte<EptSpte>.MakeNonLeafSpte(0x200).Raw);
        Assert.Equal(0x0000000000200827UL, Spte<NptSpte>.MakeNonLeafSpte(0x200).Raw);
    }

    [Fact]
    public void Make_mmio_spte()
    {
        Assert.Equal(0x00000000FEB0000EUL, Spte<EptSpte>.MakeMmioSpte(MmioSpteMask.Vmx, 0xFEB00, 1, SpteAccess.All).Raw);
        Assert.Equal(0x00100000FEB007FEUL, Spte<EptSpte>.MakeMmioSpte(MmioSpteMask.Vmx, 0xFEB00, 0x1FF, SpteAccess.All).Raw);
        Assert.Equal(0x00000000FEB00008UL, Spte<EptSpte>.MakeMmioSpte(MmioSpteMask.Tdx, 0xFEB00, 1, SpteAccess.All).Raw);
        Assert.Equal(0x000FC000FEB0000FUL, Spte<NptSpte>.MakeMmioSpte(MmioSpteMask.Npt(46), 0xFEB00, 1, SpteAccess.All).Raw);
        Assert.Equal(0xFEB00UL, Spte<NptSpte>.GetMmioSpteGfn(MmioSpteMask.Npt(46), NptSpte.FromRaw(0x000FC000FEB0000FUL)));
    }

    [Fact]
    public void Tdx_mmio_pattern_matches_raw_zero_but_not_the_non_present_or_frozen_value()
    {
        // The hazard the non-present value exists for: to a TD, 0 looks like an MMIO SPTE.
        Assert.True(MmioSpteMask.Tdx.IsMmioSpte(0));
        Assert.False(MmioSpteMask.Tdx.IsMmioSpte(EptSpte.NonPresentValue));
        Assert.False(MmioSpteMask.Tdx.IsMmioSpte(EptSpte.FrozenValue));
        Assert.False(MmioSpteMask.Vmx.IsMmioSpte(0));
        Assert.False(MmioSpteMask.Npt(46).IsMmioSpte(NptSpte.FrozenValue));
    }

    [Fact]
    public void Mmio_mask_setup_disables_caching_like_kvm()
    {
        Assert.True(MmioSpteMask.Vmx.CachingEnabled);
        Assert.True(MmioSpteMask.Npt(46).CachingEnabled);
        Assert.False(MmioSpteMask.Npt(52).CachingEnabled);
        Assert.False(MmioSpteMask.Create<EptSpte>(EptSpte.SuppressVeMask, EptSpte.VmxEptRwxMask | EptSpte.SuppressVeMask, 0, EptSpte.SpteMmioAllowedMask).CachingEnabled);
        Assert.False(MmioSpteMask.Create<EptSpte>(0x6, 0x6 | (1UL << 5), 0, EptSpte.SpteMmioAllowedMask).CachingEnabled);
        Assert.False(MmioSpteMask.Create<EptSpte>(0x16, 0x7, 0, EptSpte.SpteMmioAllowedMask).CachingEnabled);
    }

    [Fact]
    public void Changed_pte_notifier_makes_a_read_only_unaccessed_leaf() =>
        Assert.Equal(0x8000000005678A35UL, Spte<EptSpte>.ChangedPteNotifierMakeSpte(EptSpte.FromRaw(0x8600000001234B37UL), 0x5678).Raw);

    [Fact]
    public void Only_the_non_present_value_is_an_empty_slot()
    {
        Assert.True(Spte<EptSpte>.IsShadowNonPresentValue(EptSpte.NonPresent));
        Assert.False(Spte<EptSpte>.IsShadowNonPresentValue(EptSpte.FromRaw(0)));
        Assert.False(Spte<EptSpte>.IsShadowNonPresentValue(EptSpte.Frozen));
        Assert.False(Spte<EptSpte>.IsShadowNonPresentValue(Spte<EptSpte>.MakeMmioSpte(MmioSpteMask.Tdx, 0xFEB00, 1, SpteAccess.All)));
        Assert.False(Spte<EptSpte>.IsShadowNonPresentValue(Spte<EptSpte>.MakeNonLeafSpte(0x200)));
        Assert.True(Spte<NptSpte>.IsShadowNonPresentValue(NptSpte.NonPresent));
        Assert.False(Spte<NptSpte>.IsShadowNonPresentValue(NptSpte.Frozen));
    }

    [Fact]
    public void Writable_invariants()
    {
        Assert.Null(Spte<EptSpte>.CheckSpteWritableInvariants(EptSpte.FromRaw(0x8600000001234B37UL)));
        Assert.NotNull(Spte<EptSpte>.CheckSpteWritableInvariants(EptSpte.FromRaw(0x8200000001234B37UL)));
        Assert.NotNull(Spte<EptSpte>.CheckSpteWritableInvariants(EptSpte.FromRaw(0x8400000001234B35UL)));
    }

    [Fact]
    public void Describe_uses_the_view_that_fits()
    {
        Assert.StartsWith("EptSpte.Leaf 0x", EptSpte.FromRaw(0x8600000001234B37UL).Describe(1, isMmio: false));
        Assert.StartsWith("EptSpte.LargeLeaf 0x", EptSpte.FromRaw(0x8600000001234BB7UL).Describe(2, isMmio: false));
        Assert.StartsWith("EptSpte.NonLeaf 0x", EptSpte.FromRaw(0x8000000000200907UL).Describe(2, isMmio: false));
        Assert.Contains("Generation = 0x1", EptSpte.FromRaw(0xFEB00008UL).Describe(1, isMmio: true));
        Assert.Equal("EptSpte.NonPresent (0x8000000000000000)", EptSpte.NonPresent.Describe(4, isMmio: false));
    }
}

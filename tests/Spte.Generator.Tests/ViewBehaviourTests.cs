using System;
using Xunit;

namespace Spte.Generator.Tests;

/// <summary>Views over the same 64 bits: the MMIO SPTE's split generation, reserved bits and conversions.</summary>
[Collection(CompiledKvmFormatsCollection.Name)]
public sealed class ViewBehaviourTests(CompiledKvmFormats formats)
{
    private readonly dynamic _mmioFormat = formats.Static("Kvm.Mmio.MmioSpte");
    private readonly dynamic _mmio = formats.Static("Kvm.Mmio.MmioSpte+Mmio");
    private readonly dynamic _ept = formats.Static("Kvm.Ept.EptSpte");
    private readonly dynamic _leaf = formats.Static("Kvm.Ept.EptSpte+Leaf");
    private readonly dynamic _nonLeaf = formats.Static("Kvm.Ept.EptSpte+NonLeaf");
    private readonly dynamic _largeLeaf = formats.Static("Kvm.Ept.EptSpte+LargeLeaf");

    [Fact]
    public void Split_generation_has_a_mask_over_both_runs_and_no_shift()
    {
        Assert.Equal(0x7FF00000000007F8UL, (ulong)_mmio.GenerationMask);
        Assert.Equal(0x7FFFFUL, (ulong)_mmio.GenerationMax);
        Assert.Null(formats.Type("Kvm.Mmio.MmioSpte+Mmio").GetField("GenerationShift"));
        Assert.Equal(12, (int)_mmio.GfnShift);
        Assert.Equal(0x6UL, (ulong)_mmioFormat.MmioValueMask);
    }

    [Theory]
    [InlineData(0x00000u, 0x0000000000000000UL)]
    [InlineData(0x000FFu, 0x00000000000007F8UL)]
    [InlineData(0x00100u, 0x0010000000000000UL)]
    [InlineData(0x00155u, 0x00100000000002A8UL)]
    [InlineData(0x7FFFFu, 0x7FF00000000007F8UL)]
    [InlineData(0x5A5A5u, 0x5A50000000000528UL)]
    public void Split_generation_places_low_bits_at_3_and_high_bits_at_52(uint generation, ulong raw)
    {
        var spte = _mmio.FromRaw(0UL).WithGeneration(generation);

        Assert.Equal(raw, (ulong)spte.Raw);
        Assert.Equal(generation, (uint)_mmio.FromRaw(raw).Generation);
        Assert.Equal(generation, (uint)_mmio.FromRaw(raw | ~0x7FF00000000007F8UL).Generation);
    }

    [Fact]
    public void Split_generation_keeps_every_other_bit_and_rejects_a_twentieth_bit()
    {
        var spte = _mmio.FromRaw(~0x7FF00000000007F8UL).WithGeneration(0x12345u);

        Assert.Equal(0x12345u, (uint)spte.Generation);
        Assert.Equal(~0x7FF00000000007F8UL, (ulong)spte.Raw & ~0x7FF00000000007F8UL);
        Assert.Throws<ArgumentOutOfRangeException>(() => spte.WithGeneration(0x80000u));
    }

    [Fact]
    public void View_has_the_format_s_common_fields_and_presence()
    {
        var spte = _mmio.FromRaw(0UL).WithRwx((byte)6).WithSuppressVe(true).WithGfn(0x42UL);

        Assert.Equal(0x8000000000042006UL, (ulong)spte.Raw);
        Assert.Equal((byte)6, (byte)spte.Rwx);
        Assert.False((bool)spte.IsPresent);
        Assert.True((bool)spte.WithMmuPresent(true).IsPresent);
        Assert.Equal("MmioSpte.Mmio 0x8000000000042006 { Rwx = 0x6, SuppressVe, Gfn = 0x42 }", (string)spte.ToString());
    }

    [Fact]
    public void Format_and_view_convert_both_ways_keeping_the_raw_value()
    {
        var leaf = _leaf.FromRaw(0x0000000012345A83UL);

        var format = formats.Static("Kvm.Test.Driver").ToFormat(leaf);

        Assert.Equal(formats.Type("Kvm.Ept.EptSpte"), ((object)format).GetType());
        Assert.Equal(0x0000000012345A83UL, (ulong)format.Raw);
        Assert.Equal(leaf, format.AsLeaf);
        Assert.Equal(0x12345UL, (ulong)format.AsLeaf.Pfn);
        Assert.Equal(0x12345UL >> 9, (ulong)format.AsLargeLeaf.Pfn);
        Assert.Equal(0x0000000012345A83UL, (ulong)_mmioFormat.FromRaw(0x0000000012345A83UL).AsMmio.Raw);
    }

    [Fact]
    public void Reserved_masks_combine_the_format_s_and_the_view_s_bits()
    {
        Assert.Equal(0x000F000000000000UL, (ulong)_ept.ReservedMask);
        Assert.Equal(0x000F000000000000UL, (ulong)_leaf.ReservedMask);
        Assert.Equal(0x000F0000000000F8UL, (ulong)_nonLeaf.ReservedMask);
        Assert.Equal(0x000F0000001FF000UL, (ulong)_largeLeaf.ReservedMask);
    }

    [Fact]
    public void Reserved_bits_are_reported_per_view()
    {
        const ulong raw = 0x0001000000100088UL;

        Assert.Equal(0x0001000000000000UL, (ulong)_ept.FromRaw(raw).ReservedBits);
        Assert.Equal(0x0001000000000000UL, (ulong)_leaf.FromRaw(raw).ReservedBits);
        Assert.Equal(0x0001000000000088UL, (ulong)_nonLeaf.FromRaw(raw).ReservedBits);
        Assert.Equal(0x0001000000100000UL, (ulong)_largeLeaf.FromRaw(raw).ReservedBits);
        Assert.Equal("EptSpte.NonLeaf 0x0001000000100088 { Pfn = 0x100, reserved bits set 0x1000000000088 }", (string)_nonLeaf.FromRaw(raw).ToString());
    }

    [Fact]
    public void Views_with_the_same_field_name_read_their_own_bits()
    {
        const ulong raw = 0x0000FFFFFFFFF000UL;

        Assert.Equal(0xFFFFFFFFFUL, (ulong)_leaf.FromRaw(raw).Pfn);
        Assert.Equal(0x7FFFFFFUL, (ulong)_largeLeaf.FromRaw(raw).Pfn);
        Assert.Throws<ArgumentOutOfRangeException>(() => _leaf.FromRaw(0UL).WithPfn(1UL << 36));
        Assert.Throws<ArgumentOutOfRangeException>(() => _largeLeaf.FromRaw(0UL).WithPfn(1UL << 27));
    }

    [Fact]
    public void Format_toString_names_the_special_value_but_views_decode_it()
    {
        Assert.Equal("EptSpte.Frozen (0x80000000000005A0)", (string)_ept.Frozen.ToString());
        Assert.Equal("EptSpte.Leaf 0x80000000000005A0 { SuppressVe, MemoryType = WriteThrough, Accessed }", (string)_ept.Frozen.AsLeaf.ToString());
    }
}

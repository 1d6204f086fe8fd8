using System.Globalization;
using Spte.Cli.Tests.Infrastructure;
using Spte.Runtime.Formats;
using Xunit;

namespace Spte.Cli.Tests;

public sealed class DecodeCommandTests
{
    [Fact]
    public void The_frozen_value_is_named_and_not_present()
    {
        var lines = Tool.Lines(Tool.Ok("decode", "EptSpte", Hex(EptSpte.FrozenValue)));

        Assert.Equal("EptSpte 0x80000000000005A0", lines[0]);
        Assert.Contains("  special value  Frozen", lines);
        Assert.Contains("  present        no (MmuPresent clear)", lines);
    }

    [Fact]
    public void The_non_present_value_is_named()
    {
        var lines = Tool.Lines(Tool.Ok("decode", "EptSpte", "0x8000000000000000"));

        Assert.Contains("  special value  NonPresent (the format's non-present value)", lines);
        Assert.Contains("  present        no (MmuPresent clear)", lines);
    }

    [Fact]
    public void A_4k_leaf_decodes_its_pfn_memory_type_and_presence()
    {
        EptSpte leaf = EptSpte.Leaf.FromRaw(EptSpte.NonPresentValue)
            .WithReadable(true)
            .WithWritable(true)
            .WithMemoryType(EptMemoryType.WriteBack)
            .WithPfn(0xABC)
            .WithMmuPresent(true);

        var output = Tool.Ok("decode", "EptSpte", Hex(leaf.Raw));

        Assert.Matches(@"\n  present +yes \(MmuPresent set\)\n", output);
        Assert.Matches(@"\n  special value +none\n", output);
        Assert.Matches(@"\n  Pfn +bits 12\.\.51 +0xABC \(2748\)\n", output);
        Assert.Matches(@"\n  MmuPresent +bit 11 +true  \[present bit\]\n", output);
        Assert.Matches(@"view Leaf: declares no reserved bits\n  MemoryType +bits 3\.\.5 +WriteBack \(6\)\n", output);
    }

    [Fact]
    public void A_split_field_is_joined_low_run_first()
    {
        var mmio = EptSpte.NonPresent.AsMmio.WithGeneration(0x7FF01);

        var output = Tool.Ok("decode", "EptSpte", Hex(mmio.Raw));

        Assert.Matches(@"view Mmio: declares no reserved bits\n  Generation +bits 3\.\.10, 52\.\.62 +0x7FF01 \(524033\)\n", output);
    }

    [Fact]
    public void Views_whose_reserved_bits_are_set_are_marked()
    {
        // Bits 3..7 are reserved in a non-leaf EPT entry; a WB leaf sets bits 4 and 5.
        var output = Tool.Ok("decode", "EptSpte", "0x0000000000ABC837");

        Assert.Contains("view NonLeaf: RESERVED BITS SET (bits 4..5)", output);
        Assert.Contains("views with reserved bits clear: Leaf, LargeLeaf, Mmio", output);
    }

    [Fact]
    public void An_entry_with_no_reserved_bits_set_says_so_for_every_view()
    {
        var output = Tool.Ok("decode", "EptSpte", "0x8000000000ABC907");

        Assert.Contains("view NonLeaf: reserved bits clear", output);
        Assert.Contains("views with reserved bits clear: all", output);
    }

    [Fact]
    public void Npt_zero_is_its_non_present_value()
    {
        var output = Tool.Ok("decode", "NptSpte", "0");

        Assert.Matches(@"\n  special value +NonPresent \(the format's non-present value\)\n", output);
        Assert.Matches(@"\n  PagePresent +bit 0 +false\n", output);
    }

    [Theory]
    [InlineData("eptspte")]
    [InlineData("EPTSPTE")]
    [InlineData("Spte.Runtime.Formats.EptSpte")]
    [InlineData("spte.runtime.formats.eptspte")]
    public void Format_names_match_case_insensitively_by_simple_or_full_name(string name)
    {
        Assert.StartsWith("EptSpte 0x80000000000005A0\n", Tool.Ok("decode", name, "0x80000000000005a0"));
    }

    [Theory]
    [InlineData("0x8000_0000_0000_05A0")]
    [InlineData("80000000000005a0")]
    [InlineData("0X80000000000005A0")]
    [InlineData("0x0080000000000005A0")]
    public void Hex_accepts_prefix_separators_and_leading_zeros(string hex)
    {
        Assert.StartsWith("EptSpte 0x80000000000005A0\n", Tool.Ok("decode", "EptSpte", hex));
    }

    [Fact]
    public void A_view_says_which_set_bits_it_does_not_name()
    {
        // FROZEN_SPTE's 0x5a0 sets bit 7, which the 4K leaf view ignores (only LargeLeaf names it).
        var output = Tool.Ok("decode", "EptSpte", Hex(EptSpte.FrozenValue));

        Assert.Matches(@"view Leaf: declares no reserved bits\n(  .*\n)*  \(sets bit 7, which this view does not name\)\nview LargeLeaf", output);
    }

    private static string Hex(ulong value) => "0x" + value.ToString("X16", CultureInfo.InvariantCulture);
}

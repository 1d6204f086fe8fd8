using System;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using System.Text;
using Spte.Cli.Tests.Infrastructure;
using Spte.Runtime.Formats;
using Xunit;

namespace Spte.Cli.Tests;

public sealed class LayoutCommandTests
{
    [Fact]
    public void Text_layout_draws_bit_63_on_the_left_with_every_lane()
    {
        var lines = Tool.Lines(Tool.Ok("layout", "EptSpte"));

        Assert.Equal("EptSpte  Spte.Runtime.Formats.EptSpte (built in)", lines[0]);
        Assert.Equal("non-present value 0x8000000000000000; present when bit 11 is set", lines[1]);
        Assert.Contains("             66665555 55555544 44444444 33333333 33222222 22221111 11111100 00000000", lines);
        Assert.Contains("             32109876 54321098 76543210 98765432 10987654 32109876 54321098 76543210", lines);

        // The value rows are drawn from the generated constants, bit 63 first.
        Assert.Contains("present      " + Row(EptSpte.PresentMask), lines);
        Assert.Contains("non-present  " + Row(EptSpte.NonPresentValue), lines);
        Assert.Contains("Frozen       " + Row(EptSpte.FrozenValue), lines);
        foreach (var view in new[] { "NonLeaf", "Leaf", "LargeLeaf", "Mmio" })
        {
            Assert.Contains(lines, line => line.StartsWith(view.PadRight(13), StringComparison.Ordinal) && line.Length == 13 + 71);
        }
    }

    [Fact]
    public void Text_layout_has_a_legend_per_lane_and_the_named_masks()
    {
        var lines = Tool.Lines(Tool.Ok("layout", "eptspte"));

        Assert.Contains("  M  MmuPresent  bit 11       bool, present bit", lines);
        Assert.Contains("  P  Pfn         bits 12..51  ulong", lines);
        Assert.Contains("NonLeaf: view ('=' a common field, '#' reserved)", lines);
        Assert.Contains("  #  reserved        bits 3..7    must be zero", lines);
        Assert.Contains("  G  Generation  bits 3..10, 52..62  uint", lines);
        Assert.Contains("Frozen: 0x80000000000005A0 (special value)", lines);
        Assert.Contains("  SpteMmioAllowed      0x800FFFFFFFFFF007  bits 0..2, 12..51, 63", lines);
    }

    [Fact]
    public void Svg_file_is_the_same_drawing_as_svg_to_stdout()
    {
        var path = Path.Combine(Path.GetTempPath(), "spte-layout-" + Guid.NewGuid().ToString("N") + ".svg");
        try
        {
            var text = Tool.Ok("layout", "NptSpte", "--svg", path);

            Assert.EndsWith($"\nwrote {path}\n", text);
            Assert.StartsWith("NptSpte  Spte.Runtime.Formats.NptSpte (built in)\n", text);
            Assert.Equal(Tool.Ok("layout", "NptSpte", "--svg", "-"), File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Svg_is_well_formed_and_draws_every_field_run_view_and_value()
    {
        var svg = XDocument.Parse(Tool.Ok("layout", "EptSpte", "--svg", "-"));
        XNamespace ns = "http://www.w3.org/2000/svg";
        var texts = svg.Descendants(ns + "text").Select(text => text.Value).ToList();
        var tooltips = svg.Descendants(ns + "title").Select(title => title.Value).ToList();

        foreach (var label in new[] { "Pfn", "MmuPresent", "SuppressVe", "NonLeaf", "Leaf", "LargeLeaf", "Mmio", "present", "non-present", "Frozen", "reserved" })
        {
            Assert.Contains(label, texts);
        }

        // The split generation field is drawn as two runs, each saying which value bits it holds.
        Assert.Contains("Generation[7:0]", texts);
        Assert.Contains("Generation[18:8]", texts);
        Assert.Contains("MmuPresent: bit 11 (bool, present bit)", tooltips);
        Assert.Contains("reserved: bits 3..7", tooltips);
        Assert.Equal(64, svg.Descendants(ns + "text").Count(text => (string?)text.Attribute("class") == "n"));
    }

    /// <summary>A value as the text layout draws it: '1' or '.', bit 63 first, a space every 8 bits.</summary>
    private static string Row(ulong value)
    {
        var row = new StringBuilder();
        for (var bit = 63; bit >= 0; bit--)
        {
            row.Append((value >> bit & 1) != 0 ? '1' : '.');
            if (bit % 8 == 0 && bit != 0)
            {
                row.Append(' ');
            }
        }

        return row.ToString();
    }
}

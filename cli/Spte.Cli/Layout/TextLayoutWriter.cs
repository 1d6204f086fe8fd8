using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Spte.Cli.Model;

namespace Spte.Cli.Layout;

/// <summary>
/// Draws a <see cref="FormatLayout"/> as text: one character per bit, bit 63 on the left (as the
/// SDM and APM draw entries), a space every 8 bits, then a legend per lane.
/// </summary>
internal static class TextLayoutWriter
{
    /// <summary>Writes <paramref name="layout"/> to <paramref name="output"/>.</summary>
    public static void Write(FormatLayout layout, TextWriter output)
    {
        var format = layout.Format;
        var labelWidth = layout.Lanes.Max(lane => lane.Title.Length) + 2;

        output.WriteLine($"{format.Name}  {format.FullName} ({format.Origin})");
        output.WriteLine($"non-present value {BitText.Hex16(format.NonPresentValue)}; present when {PresentText(format.PresentMask)} set");
        output.WriteLine();
        output.WriteLine(new string(' ', labelWidth) + BitRow(bit => Digit(bit / 10)));
        output.WriteLine(new string(' ', labelWidth) + BitRow(bit => Digit(bit % 10)));
        foreach (var lane in layout.Lanes)
        {
            var keys = new char[64];
            foreach (var segment in lane.Segments)
            {
                for (var bit = segment.Low; bit <= segment.High; bit++)
                {
                    keys[bit] = segment.Key;
                }
            }

            output.WriteLine(lane.Title.PadRight(labelWidth) + BitRow(bit => keys[bit]));
        }

        foreach (var lane in layout.Lanes.Where(lane => !lane.IsValue))
        {
            output.WriteLine();
            output.WriteLine($"{lane.Title}: {lane.Caption}");
            var nameWidth = lane.Legend.Select(row => row.Name.Length).DefaultIfEmpty(0).Max();
            var bitsWidth = lane.Legend.Select(row => row.Bits.Length).DefaultIfEmpty(0).Max();
            foreach (var row in lane.Legend)
            {
                output.WriteLine($"  {row.Key}  {row.Name.PadRight(nameWidth)}  {row.Bits.PadRight(bitsWidth)}  {row.Note}");
            }
        }

        output.WriteLine();
        foreach (var lane in layout.Lanes.Where(lane => lane.IsValue))
        {
            output.WriteLine($"{lane.Title}: {lane.Subtitle} ({lane.Caption})");
        }

        if (format.Masks.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("named masks");
            var nameWidth = format.Masks.Max(mask => mask.Name.Length);
            foreach (var mask in format.Masks)
            {
                output.WriteLine($"  {mask.Name.PadRight(nameWidth)}  {BitText.Hex16(mask.Value)}  {BitText.Describe(mask.Value)}");
            }
        }
    }

    private static string BitRow(System.Func<int, char> cell)
    {
        var row = new StringBuilder(71);
        for (var bit = 63; bit >= 0; bit--)
        {
            row.Append(cell(bit));
            if (bit % 8 == 0 && bit != 0)
            {
                row.Append(' ');
            }
        }

        return row.ToString();
    }

    private static string PresentText(ulong mask) =>
        BitText.Runs(mask) is [{ Width: 1 }] ? BitText.Describe(mask) + " is" : "any of " + BitText.Describe(mask) + " is";

    private static char Digit(int value) => value.ToString(CultureInfo.InvariantCulture)[0];
}

using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Spte.Generator.Model;
using Spte.Text;

namespace Spte.Generator.Validation;

/// <summary>Bit arithmetic and how masks and values read in messages and generated code.</summary>
internal static class BitText
{
    public static ulong Mask(int low, int high) =>
        high - low >= 63 ? ulong.MaxValue : ((1UL << (high - low + 1)) - 1) << low;

    public static ulong LowMask(int width) => width >= 64 ? ulong.MaxValue : (1UL << width) - 1;

    public static string Hex(ulong value) => BitFormat.Hex16(value);

    public static string Literal(ulong value) => Hex(value) + "UL";

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static int PopCount(ulong value)
    {
        var count = 0;
        for (; value != 0; value &= value - 1)
        {
            count++;
        }

        return count;
    }

    /// <summary>"bit 11" for one bit, "bits 3..5, 52..62" for more.</summary>
    public static string Bits(ulong mask) => BitFormat.Bits(mask);

    /// <summary>The bits of <paramref name="mask"/> as runs: "11", "3..5, 52..62", or "none".</summary>
    public static string Describe(ulong mask) => BitFormat.Numbers(BitFormat.Runs(mask));

    /// <summary>The widths of <paramref name="mask"/>'s runs of consecutive bits, lowest first.</summary>
    public static List<int> RunWidths(ulong mask) => BitFormat.Runs(mask).Select(static r => r.High - r.Low + 1).ToList();

    /// <summary>The entry bits a field made of <paramref name="runs"/> sets when it holds <paramref name="value"/>.</summary>
    public static ulong Place(ulong value, EquatableArray<RunSpec> runs) =>
        runs.Aggregate(0UL, (bits, r) => bits | (((value >> r.ValueShift) & LowMask(r.Width)) << r.Low));

    /// <summary>The C# expression of <see cref="Place"/> for the constant <paramref name="value"/>.</summary>
    public static string PlaceExpression(string value, EquatableArray<RunSpec> runs) =>
        "(" + string.Join(" | ", runs.Select(r =>
            $"(({(r.ValueShift == 0 ? value : "(" + value + " >> " + Int(r.ValueShift) + ")")} & {Literal(LowMask(r.Width))}) << {Int(r.Low)})")) + ")";
}

using System.Collections.Generic;
using System.Globalization;

namespace Spte.Generator.Validation;

/// <summary>Bit arithmetic and how masks and values read in messages and generated code.</summary>
internal static class BitText
{
    public static ulong Mask(int low, int high) =>
        high - low >= 63 ? ulong.MaxValue : ((1UL << (high - low + 1)) - 1) << low;

    public static ulong LowMask(int width) => width >= 64 ? ulong.MaxValue : (1UL << width) - 1;

    public static string Hex(ulong value) => "0x" + value.ToString("X16", CultureInfo.InvariantCulture);

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
    public static string Bits(ulong mask) => (PopCount(mask) == 1 ? "bit " : "bits ") + Describe(mask);

    /// <summary>The bits of <paramref name="mask"/> as runs: "11", "3..5, 52..62", or "none".</summary>
    public static string Describe(ulong mask)
    {
        var runs = new List<string>();
        for (var bit = 0; bit < 64; bit++)
        {
            if ((mask & (1UL << bit)) == 0)
            {
                continue;
            }

            var start = bit;
            while (bit + 1 < 64 && (mask & (1UL << (bit + 1))) != 0)
            {
                bit++;
            }

            runs.Add(start == bit ? Int(start) : Int(start) + ".." + Int(bit));
        }

        return runs.Count == 0 ? "none" : string.Join(", ", runs);
    }
}

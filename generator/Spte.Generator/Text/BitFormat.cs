using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Spte.Text;

/// <summary>
/// How bits read in text: "bit 11", "bits 3..10, 52..62", "no bits", and values as 16 hex digits.
/// One formatter for the generator's diagnostics and generated comments and for the spte CLI (the
/// CLI links this file), so a mask reads the same in a build error and in `spte decode`.
/// </summary>
internal static class BitFormat
{
    /// <summary>The maximal runs of set bits in <paramref name="mask"/>, lowest first.</summary>
    public static IEnumerable<(int Low, int High)> Runs(ulong mask)
    {
        for (var bit = 0; bit < 64; bit++)
        {
            if ((mask & (1UL << bit)) == 0)
            {
                continue;
            }

            var low = bit;
            while (bit + 1 < 64 && (mask & (1UL << (bit + 1))) != 0)
            {
                bit++;
            }

            yield return (low, bit);
        }
    }

    /// <summary>The runs' numbers: "11", "3..10, 52..62", or "none".</summary>
    public static string Numbers(IEnumerable<(int Low, int High)> runs)
    {
        var text = runs.Select(static r => r.Low == r.High ? Int(r.Low) : Int(r.Low) + ".." + Int(r.High)).ToList();
        return text.Count == 0 ? "none" : string.Join(", ", text);
    }

    /// <summary>"bit 11" for a single bit, "bits 12..51" or "bits 3..10, 52..62" for more, "no bits" for none; runs in the order given.</summary>
    public static string Bits(IReadOnlyCollection<(int Low, int High)> runs) =>
        runs.Count == 0 ? "no bits"
        : runs.Count == 1 && runs.First() is var (low, high) && low == high ? "bit " + Int(low)
        : "bits " + Numbers(runs);

    /// <summary>The bits of <paramref name="mask"/>, worded as for a list of runs.</summary>
    public static string Bits(ulong mask) => Bits(Runs(mask).ToList());

    /// <summary>A value as 16 hex digits, the form KVM and the generated code print.</summary>
    public static string Hex16(ulong value) => "0x" + value.ToString("X16", CultureInfo.InvariantCulture);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}

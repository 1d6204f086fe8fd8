using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Spte.Cli.Model;

/// <summary>Turns masks into runs and runs into text ("bits 3..10, 52..62").</summary>
internal static class BitText
{
    /// <summary>The maximal runs of set bits in <paramref name="mask"/>, lowest first.</summary>
    public static IReadOnlyList<BitRun> Runs(ulong mask)
    {
        var runs = new List<BitRun>();
        var bit = 0;
        while (bit < 64)
        {
            if ((mask >> bit & 1) == 0)
            {
                bit++;
                continue;
            }

            var low = bit;
            while (bit < 64 && (mask >> bit & 1) != 0)
            {
                bit++;
            }

            runs.Add(new BitRun(low, bit - 1));
        }

        return runs;
    }

    /// <summary>"bit 11", "bits 12..51", "bits 3..10, 52..62", or "no bits".</summary>
    public static string Describe(IReadOnlyList<BitRun> runs)
    {
        if (runs.Count == 0)
        {
            return "no bits";
        }

        if (runs.Count == 1)
        {
            return runs[0].ToString();
        }

        return "bits " + string.Join(", ", runs.Select(RunNumbers));
    }

    /// <summary>The bits of <paramref name="mask"/>, as <see cref="Describe(IReadOnlyList{BitRun})"/> writes them.</summary>
    public static string Describe(ulong mask) => Describe(Runs(mask));

    /// <summary>A value as 16 hex digits, the form KVM and the generated code print.</summary>
    public static string Hex16(ulong value) => "0x" + value.ToString("X16", CultureInfo.InvariantCulture);

    private static string RunNumbers(BitRun run) =>
        run.Low == run.High
            ? run.Low.ToString(CultureInfo.InvariantCulture)
            : run.Low.ToString(CultureInfo.InvariantCulture) + ".." + run.High.ToString(CultureInfo.InvariantCulture);
}

using System.Collections.Generic;
using System.Linq;
using Spte.Text;

namespace Spte.Cli.Model;

/// <summary>Masks as runs and runs as text, worded by the generator's <see cref="BitFormat"/> so the CLI and the diagnostics agree.</summary>
internal static class BitText
{
    /// <summary>The maximal runs of set bits in <paramref name="mask"/>, lowest first.</summary>
    public static IReadOnlyList<BitRun> Runs(ulong mask) =>
        BitFormat.Runs(mask).Select(static r => new BitRun(r.Low, r.High)).ToList();

    /// <summary>"bit 11", "bits 12..51", "bits 3..10, 52..62", or "no bits", runs in the order given.</summary>
    public static string Describe(IReadOnlyList<BitRun> runs) =>
        BitFormat.Bits(runs.Select(static r => (r.Low, r.High)).ToList());

    /// <summary>The bits of <paramref name="mask"/>, as <see cref="Describe(IReadOnlyList{BitRun})"/> writes them.</summary>
    public static string Describe(ulong mask) => BitFormat.Bits(mask);

    /// <summary>A value as 16 hex digits, the form KVM and the generated code print.</summary>
    public static string Hex16(ulong value) => BitFormat.Hex16(value);
}

using System.Globalization;
using System.IO;
using System.Linq;
using Spte.Cli.Classification;
using Spte.Cli.Decoding;
using Spte.Cli.Model;

namespace Spte.Cli.Scanning;

/// <summary>Prints a <see cref="ScanTally"/>: a count per class, every finding's position, then what each distinct finding means.</summary>
internal static class ScanWriter
{
    /// <summary>Writes the scan of <paramref name="name"/> as <paramref name="format"/> to <paramref name="output"/>.</summary>
    public static void Write(FormatModel format, ScanTally tally, string name, bool binary, TextWriter output)
    {
        var tables = binary ? $" in {Count(tally.Entries / BinaryEntryReader.EntriesPerTable, "table", "tables")}" : string.Empty;
        output.WriteLine($"{format.Name}: {Count(tally.Entries, "entry", "entries")}{tables} from {name}");

        var labelWidth = tally.Labels.Max(label => label.Length);
        var countWidth = tally.Labels.Max(label => Number(tally.CountOf(label)).Length);
        foreach (var label in tally.Labels)
        {
            var row = $"  {label.PadRight(labelWidth)}  {Number(tally.CountOf(label)).PadLeft(countWidth)}";
            output.WriteLine(label == EntryClassification.LabelOf(EntryClass.Mmio) && tally.MmioGenerations.Count > 0
                ? $"{row}  ({(tally.MmioGenerations.Count == 1 ? "generation" : "generations")} {string.Join(", ", tally.MmioGenerations.Select(generation => generation.ToString(CultureInfo.InvariantCulture)))})"
                : row);
        }

        if (tally.Findings.Count == 0)
        {
            output.WriteLine("findings: none");
            return;
        }

        output.WriteLine($"findings: {Number(tally.Findings.Count)}");
        foreach (var entry in tally.Findings)
        {
            output.WriteLine($"  {entry.Where}: {BitText.Hex16(entry.Raw)}");
        }

        foreach (var finding in tally.DistinctFindings)
        {
            FindingWriter.Write(finding, output);
        }
    }

    private static string Count(long count, string one, string many) => $"{Number(count)} {(count == 1 ? one : many)}";

    private static string Number(long count) => count.ToString(CultureInfo.InvariantCulture);
}

using System.Collections.Generic;
using System.Linq;
using Spte.Cli.Classification;
using Spte.Cli.Model;

namespace Spte.Cli.Scanning;

/// <summary>What <c>scan</c> counts: entries per class, MMIO generations, and every finding.</summary>
internal sealed class ScanTally
{
    private readonly Dictionary<string, long> counts;
    private readonly HashSet<ulong> explained = [];

    /// <summary>Creates an empty tally with a row for every class of <paramref name="format"/>.</summary>
    public ScanTally(FormatModel format)
    {
        // Every row, even at 0, so a script can read the summary without knowing which classes occurred.
        Labels =
        [
            EntryClassification.LabelOf(EntryClass.Present),
            EntryClassification.LabelOf(EntryClass.NonPresentValue),
            // Distinct: only a hand-made assembly can repeat a special value's name (SPTE0010).
            .. format.SpecialValues.Select(special => EntryClassification.LabelOf(EntryClass.SpecialValue, special.Name)).Distinct(),
            EntryClassification.LabelOf(EntryClass.Mmio),
            EntryClassification.LabelOf(EntryClass.NotTheNonPresentValue),
        ];
        counts = Labels.ToDictionary(label => label, _ => 0L);
    }

    /// <summary>The summary's rows, in order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>How many entries were read.</summary>
    public long Entries { get; private set; }

    /// <summary>The generations of the MMIO SPTEs seen, ascending.</summary>
    public SortedSet<uint> MmioGenerations { get; } = [];

    /// <summary>Every entry that is a finding, in input order.</summary>
    public List<ScannedEntry> Findings { get; } = [];

    /// <summary>One finding per distinct value, in order of first occurrence.</summary>
    public List<Finding> DistinctFindings { get; } = [];

    /// <summary>How many entries fell under <paramref name="label"/>.</summary>
    public long CountOf(string label) => counts[label];

    /// <summary>Counts <paramref name="entry"/> of class <paramref name="classification"/>.</summary>
    public void Add(ScannedEntry entry, EntryClassification classification)
    {
        Entries++;
        counts[classification.Label]++;
        if (classification.Mmio is { } mmio)
        {
            MmioGenerations.Add(mmio.Generation);
        }

        if (classification.Finding is { } finding)
        {
            Findings.Add(entry);
            if (explained.Add(entry.Raw))
            {
                DistinctFindings.Add(finding);
            }
        }
    }
}

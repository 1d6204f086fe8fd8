using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Spte.Conformance.Tests;

/// <summary>How two scenario logs differ: not at all, only where the MMU behind KVM decides, or really.</summary>
internal enum LogDifferenceKind
{
    Same,

    /// <summary>
    /// Only dirty bitmaps differ, and only by pages the model marks and the reference does not:
    /// a read fault on a host-writable page in a logged slot installs a writable SPTE on hardware
    /// KVM (marked dirty by make_spte), while a KVM that emulates every access installs none.
    /// </summary>
    MmuDependent,

    Divergent,
}

internal static class LogDifference
{
    public static (LogDifferenceKind Kind, int Line) Compare(IReadOnlyList<string> reference, IReadOnlyList<string> model)
    {
        if (reference.Count != model.Count)
        {
            var first = Enumerable.Range(0, Math.Min(reference.Count, model.Count)).FirstOrDefault(i => reference[i] != model[i], Math.Min(reference.Count, model.Count));
            return (LogDifferenceKind.Divergent, first);
        }

        var kind = LogDifferenceKind.Same;
        for (var i = 0; i < reference.Count; i++)
        {
            if (reference[i] == model[i])
            {
                continue;
            }

            if (!ModelMarksMore(reference[i], model[i]))
            {
                return (LogDifferenceKind.Divergent, i);
            }

            kind = LogDifferenceKind.MmuDependent;
        }

        return (kind, -1);
    }

    /// <summary>Both lines are the same dirty-log call and the model's bitmap holds the reference's.</summary>
    private static bool ModelMarksMore(string reference, string model)
    {
        const string marker = ": 0x";
        var (r, m) = (reference.IndexOf(marker, StringComparison.Ordinal), model.IndexOf(marker, StringComparison.Ordinal));
        if (!reference.StartsWith(".DirtyLog(", StringComparison.Ordinal) || r < 0 || r != m || reference[..r] != model[..m])
        {
            return false;
        }

        var (referenceWords, modelWords) = (Words(reference[(r + 2)..]), Words(model[(m + 2)..]));
        return referenceWords.Length == modelWords.Length && referenceWords.Zip(modelWords).All(w => (w.First & ~w.Second) == 0);
    }

    private static ulong[] Words(string text) =>
        [.. text.Split(' ').Select(w => ulong.Parse(w.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture))];
}

using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Spte.Cli.Model;

namespace Spte.Cli.Layout;

/// <summary>
/// Lays a format out as lanes: the format's own fields, one lane per view (its own fields and
/// reserved bits, with the common fields greyed), then the present mask, the non-present value and
/// each special value bit by bit.
/// </summary>
internal static class LayoutBuilder
{
    private const char FreeKey = '.';
    private const char ReservedKey = '#';
    private const char CommonKey = '=';

    /// <summary>Lays out <paramref name="format"/>.</summary>
    public static FormatLayout Build(FormatModel format)
    {
        var lanes = new List<LayoutLane>
        {
            FieldLane(format.Name, format.Fields, format.ReservedMask, commonMask: 0, "format fields, common to every view"),
        };

        lanes.AddRange(format.Views.Select(view => FieldLane(
            view.Name,
            view.Fields,
            format.ReservedMaskOf(view),
            format.FieldMask,
            $"view ('{CommonKey}' a common field, '{ReservedKey}' reserved)")));

        lanes.Add(ValueLane("present", BitText.Describe(format.PresentMask), format.PresentMask, "present when any of these bits is set"));
        lanes.Add(ValueLane("non-present", BitText.Hex16(format.NonPresentValue), format.NonPresentValue, "the non-present value"));
        lanes.AddRange(format.SpecialValues.Select(special =>
            ValueLane(special.Name, BitText.Hex16(special.Value), special.Value, "special value")));

        return new FormatLayout(format, lanes);
    }

    private static LayoutLane FieldLane(string title, IReadOnlyList<FieldModel> fields, ulong reserved, ulong commonMask, string caption)
    {
        var keys = new HashSet<char> { FreeKey, ReservedKey, CommonKey };
        var segments = new List<LayoutSegment>();
        var legend = new List<LegendRow>();

        if (reserved != 0)
        {
            var bits = BitText.Describe(reserved);
            legend.Add(new LegendRow(ReservedKey, "reserved", bits, "must be zero"));
            segments.AddRange(BitText.Runs(reserved).Select(run =>
                new LayoutSegment(run.Low, run.High, SegmentKind.Reserved, "reserved", ReservedKey, $"reserved: {run}")));
        }

        foreach (var field in fields)
        {
            var key = PickKey(field.Name, keys);
            var kind = field.IsPresent ? SegmentKind.PresentField : SegmentKind.Field;
            var note = TypeNames.Of(field.ValueType) + (field.IsPresent ? ", present bit" : string.Empty);
            legend.Add(new LegendRow(key, field.Name, field.BitsText, note));
            for (var i = 0; i < field.Runs.Count; i++)
            {
                var run = field.Runs[i];
                var label = field.IsSplit ? field.Name + field.ValueBitsOfRun(i) : field.Name;
                segments.Add(new LayoutSegment(run.Low, run.High, kind, label, key, $"{field.Name}: {field.BitsText} ({note})"));
            }
        }

        segments.AddRange(BitText.Runs(commonMask).Select(run =>
            new LayoutSegment(run.Low, run.High, SegmentKind.Common, string.Empty, CommonKey, $"common field bits: {run}")));

        var taken = segments.Aggregate(0UL, (mask, segment) => mask | new BitRun(segment.Low, segment.High).Mask);
        segments.AddRange(BitText.Runs(~taken).Select(run =>
            new LayoutSegment(run.Low, run.High, SegmentKind.Free, string.Empty, FreeKey, $"unused: {run}")));

        return new LayoutLane(title, null, false, segments.OrderBy(segment => segment.Low).ToList(), legend, caption);
    }

    private static LayoutLane ValueLane(string title, string subtitle, ulong value, string caption)
    {
        var segments = Enumerable.Range(0, 64)
            .Select(bit => (value >> bit & 1) != 0
                ? new LayoutSegment(bit, bit, SegmentKind.One, "1", '1', $"bit {bit.ToString(CultureInfo.InvariantCulture)} set")
                : new LayoutSegment(bit, bit, SegmentKind.Zero, "0", FreeKey, $"bit {bit.ToString(CultureInfo.InvariantCulture)} clear"))
            .ToList();
        return new LayoutLane(title, subtitle, true, segments, [], caption);
    }

    /// <summary>
    /// A fill character for a field, unique in its lane: the name's first letter, then its other
    /// capitals, then any letter of it, then any letter or digit at all.
    /// </summary>
    private static char PickKey(string name, HashSet<char> taken)
    {
        var candidates = new List<char> { char.ToUpperInvariant(name[0]), char.ToLowerInvariant(name[0]) };
        candidates.AddRange(name.Where(char.IsUpper));
        candidates.AddRange(name.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant));
        candidates.AddRange(name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant));
        candidates.AddRange("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*+%&@$?!~^");
        var key = candidates.Where(char.IsAscii).First(candidate => !taken.Contains(candidate));
        taken.Add(key);
        return key;
    }
}

using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Spte.Cli.Classification;
using Spte.Cli.Model;

namespace Spte.Cli.Decoding;

/// <summary>Prints a <see cref="DecodedEntry"/>: any finding, header, class, presence, special value, fields and every view.</summary>
internal static class DecodeWriter
{
    /// <summary>Writes <paramref name="entry"/>, of class <paramref name="classification"/>, to <paramref name="output"/>.</summary>
    public static void Write(DecodedEntry entry, EntryClassification classification, TextWriter output)
    {
        // A finding is the one thing a person reading a dump must not miss, so it comes first.
        if (classification.Finding is { } finding)
        {
            FindingWriter.Write(finding, output);
        }

        var format = entry.Format;
        var rows = entry.Fields.Concat(entry.Views.SelectMany(view => view.Fields)).ToList();
        var nameWidth = rows.Select(row => row.Field.Name.Length).DefaultIfEmpty(0).Max();
        var bitsWidth = rows.Select(row => row.Field.BitsText.Length).DefaultIfEmpty(0).Max();

        output.WriteLine($"{format.Name} {BitText.Hex16(entry.Raw)}");
        output.WriteLine($"  format         {format.FullName} ({format.Origin})");
        output.WriteLine($"  class          {ClassText(classification)}");
        output.WriteLine($"  present        {Presence(entry)}");
        output.WriteLine($"  special value  {SpecialValue(entry)}");
        output.WriteLine("fields");
        WriteFields(entry.Fields, nameWidth, bitsWidth, output);

        foreach (var view in entry.Views)
        {
            output.WriteLine($"view {view.View.Name}: {ReservedState(format, view)}");
            WriteFields(view.Fields, nameWidth, bitsWidth, output);
            if (view.UnnamedSet != 0)
            {
                output.WriteLine($"  (sets {BitText.Describe(view.UnnamedSet)}, which this view does not name)");
            }
        }

        if (entry.Views.Count > 0)
        {
            var clear = entry.Views.Where(view => view.ReservedSet == 0).Select(view => view.View.Name).ToList();
            output.WriteLine(clear.Count == entry.Views.Count
                ? "views with reserved bits clear: all"
                : $"views with reserved bits clear: {(clear.Count == 0 ? "none" : string.Join(", ", clear))}");
        }

        if (entry.UnnamedSet != 0)
        {
            output.WriteLine($"bits set that no field names: {BitText.Describe(entry.UnnamedSet)}");
        }
    }

    private static void WriteFields(IEnumerable<DecodedField> fields, int nameWidth, int bitsWidth, TextWriter output)
    {
        foreach (var row in fields)
        {
            var line = $"  {row.Field.Name.PadRight(nameWidth)}  {row.Field.BitsText.PadRight(bitsWidth)}  {row.Text}";
            output.WriteLine(row.Field.IsPresent ? line + "  [present bit]" : line);
        }
    }

    private static string ClassText(EntryClassification classification) =>
        classification.Mmio is { } mmio
            ? $"{classification.Label}, generation {mmio.Generation.ToString(CultureInfo.InvariantCulture)} ({mmio.HardwareReaction})"
            : classification.Label;

    private static string Presence(DecodedEntry entry)
    {
        var present = entry.Format.Fields.Where(field => field.IsPresent).ToList();
        var set = present.Where(field => (entry.Raw & field.Mask) != 0).Select(field => field.Name);
        return entry.IsPresent
            ? $"yes ({string.Join(", ", set)} set)"
            : $"no ({string.Join(", ", present.Select(field => field.Name))} clear)";
    }

    private static string SpecialValue(DecodedEntry entry)
    {
        var names = new List<string>();
        if (entry.IsNonPresentValue)
        {
            names.Add("NonPresent (the format's non-present value)");
        }

        names.AddRange(entry.SpecialValues.Select(special => special.Name));
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    private static string ReservedState(FormatModel format, DecodedView view)
    {
        if (format.ReservedMaskOf(view.View) == 0)
        {
            return "declares no reserved bits";
        }

        return view.ReservedSet == 0
            ? "reserved bits clear"
            : $"RESERVED BITS SET ({BitText.Describe(view.ReservedSet)})";
    }
}

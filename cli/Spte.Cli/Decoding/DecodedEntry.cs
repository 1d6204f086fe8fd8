using System.Collections.Generic;
using System.Linq;
using Spte.Cli.Model;

namespace Spte.Cli.Decoding;

/// <summary>One field of a decoded entry.</summary>
/// <param name="Field">The field.</param>
/// <param name="Value">Its value in the entry.</param>
internal sealed record DecodedField(FieldModel Field, ulong Value)
{
    /// <summary>The value as its type reads it.</summary>
    public string Text => FieldValueText.Format(Field, Value);
}

/// <summary>One view's reading of a decoded entry.</summary>
/// <param name="View">The view.</param>
/// <param name="Fields">The view's own fields.</param>
/// <param name="ReservedSet">Reserved bits of the view that the entry sets (must be 0 for hardware).</param>
/// <param name="UnnamedSet">Bits the entry sets that are neither a field (common or own) nor reserved in this view.</param>
internal sealed record DecodedView(ViewModel View, IReadOnlyList<DecodedField> Fields, ulong ReservedSet, ulong UnnamedSet);

/// <summary>
/// An entry decoded against a format. Decoding cannot know the level an entry sits at, so it
/// reads the entry through every view and reports, per view, whether the view's reserved bits
/// are clear; the caller decides which view applies.
/// </summary>
/// <param name="Format">The format.</param>
/// <param name="Raw">The raw value.</param>
/// <param name="Fields">The format's own fields.</param>
/// <param name="Views">Every view's reading.</param>
/// <param name="UnnamedSet">Bits the entry sets that no field of the format or of any view names and that are not reserved.</param>
internal sealed record DecodedEntry(
    FormatModel Format,
    ulong Raw,
    IReadOnlyList<DecodedField> Fields,
    IReadOnlyList<DecodedView> Views,
    ulong UnnamedSet)
{
    /// <summary>Whether any present bit is set (the generated <c>IsPresent</c>).</summary>
    public bool IsPresent => (Raw & Format.PresentMask) != 0;

    /// <summary>Whether the entry is exactly the format's non-present value.</summary>
    public bool IsNonPresentValue => Raw == Format.NonPresentValue;

    /// <summary>The special values the entry equals exactly (at most one in a valid format).</summary>
    public IEnumerable<NamedValue> SpecialValues => Format.SpecialValues.Where(special => special.Value == Raw);

    /// <summary>Decodes <paramref name="raw"/> as <paramref name="format"/>.</summary>
    public static DecodedEntry Decode(FormatModel format, ulong raw)
    {
        var views = format.Views
            .Select(view =>
            {
                var reserved = format.ReservedMaskOf(view);
                var named = format.FieldMask | view.FieldMask | reserved;
                return new DecodedView(view, Read(view.Fields, raw), raw & reserved, raw & ~named);
            })
            .ToList();

        var everyName = format.Views.Aggregate(format.FieldMask | format.ReservedMask, (mask, view) => mask | view.FieldMask | view.OwnReservedMask);
        return new DecodedEntry(format, raw, Read(format.Fields, raw), views, raw & ~everyName);
    }

    private static List<DecodedField> Read(IEnumerable<FieldModel> fields, ulong raw) =>
        fields.Select(field => new DecodedField(field, field.Extract(raw))).ToList();
}

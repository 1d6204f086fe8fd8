using System.Linq;
using Spte.Cli.Model;

namespace Spte.Cli.Classification;

/// <summary>Puts an entry of a format into exactly one <see cref="EntryClass"/>.</summary>
/// <param name="Format">The format.</param>
/// <param name="Facts">Its hardware facts.</param>
internal sealed record EntryClassifier(FormatModel Format, IFormatFacts Facts)
{
    /// <summary>The classifier of <paramref name="format"/>, with its facts.</summary>
    public static EntryClassifier For(FormatModel format) => new(format, FormatFacts.For(format));

    /// <summary>Classifies <paramref name="raw"/>.</summary>
    public EntryClassification Classify(ulong raw)
    {
        // Presence first: the generator guarantees that the non-present and special values set no present bit.
        if ((raw & Format.PresentMask) != 0)
        {
            return new EntryClassification(EntryClass.Present, null, null, null);
        }

        if (raw == Format.NonPresentValue)
        {
            return new EntryClassification(EntryClass.NonPresentValue, null, null, null);
        }

        var special = Format.SpecialValues.FirstOrDefault(value => value.Value == raw);
        if (special is not null)
        {
            return new EntryClassification(EntryClass.SpecialValue, special.Name, null, null);
        }

        var mmio = Facts.ReadMmio(raw);
        if (mmio is not null)
        {
            return new EntryClassification(EntryClass.Mmio, null, mmio, null);
        }

        var summary =
            $"{Format.Name} {BitText.Hex16(raw)} is not present, but it is not {Format.Name}'s non-present value " +
            $"{BitText.Hex16(Format.NonPresentValue)} (it differs in {BitText.Describe(raw ^ Format.NonPresentValue)})";
        return new EntryClassification(EntryClass.NotTheNonPresentValue, null, null, new Finding(summary, Facts.Consequences(raw)));
    }
}

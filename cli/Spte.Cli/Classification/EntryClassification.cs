namespace Spte.Cli.Classification;

/// <summary>The class of one entry and what goes with it.</summary>
/// <param name="Class">The class.</param>
/// <param name="SpecialValue">The special value's name, for <see cref="EntryClass.SpecialValue"/>.</param>
/// <param name="Mmio">The MMIO reading, for <see cref="EntryClass.Mmio"/>.</param>
/// <param name="Finding">The finding, for <see cref="EntryClass.NotTheNonPresentValue"/>.</param>
internal sealed record EntryClassification(EntryClass Class, string? SpecialValue, MmioReading? Mmio, Finding? Finding)
{
    /// <summary>The label a summary counts by: "present", "special value Frozen", "MMIO SPTE", ….</summary>
    public string Label => LabelOf(Class, SpecialValue);

    /// <summary>The label of <paramref name="entryClass"/> (with the special value's name, if it is one).</summary>
    public static string LabelOf(EntryClass entryClass, string? specialValue = null) => entryClass switch
    {
        EntryClass.Present => "present",
        EntryClass.NonPresentValue => "non-present value",
        EntryClass.SpecialValue => $"special value {specialValue}",
        EntryClass.Mmio => "MMIO SPTE",
        _ => "not present, not the non-present value",
    };
}

namespace Spte.Cli.Classification;

/// <summary>What an entry is to KVM's MMU; every 64-bit value is exactly one of these.</summary>
internal enum EntryClass
{
    /// <summary>A present bit is set (the generated <c>IsPresent</c>).</summary>
    Present,

    /// <summary>Exactly the format's non-present value: an empty slot.</summary>
    NonPresentValue,

    /// <summary>Exactly one of the format's <c>[SpecialValue]</c>s (e.g. frozen).</summary>
    SpecialValue,

    /// <summary>An MMIO SPTE, as KVM's <c>is_mmio_spte</c> recognises it for the format.</summary>
    Mmio,

    /// <summary>Not present and none of the above: no correct path writes it (a finding).</summary>
    NotTheNonPresentValue,
}

namespace Spte.Analyzers.Diagnostics;

/// <summary>
/// The analyzers' diagnostic IDs. Linked into the code-fix assembly, which refers to the rules by
/// these strings only (it must not load analyzer types).
/// </summary>
internal static class RuleIdentifiers
{
    /// <summary>A raw zero is written where an entry of a format with a non-zero non-present value is stored.</summary>
    public const string RawZeroEntry = "SPTE1001";

    /// <summary>A table of such entries is created or reset zero-filled.</summary>
    public const string ZeroFilledTable = "SPTE1002";

    /// <summary>Presence is decided by comparing with zero or with the non-present value.</summary>
    public const string PresenceByComparison = "SPTE1003";
}

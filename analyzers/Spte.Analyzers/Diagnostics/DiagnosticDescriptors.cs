using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Spte.Diagnostics;

namespace Spte.Analyzers.Diagnostics;

/// <summary>
/// The SPTE1xxx rules. Warnings by default and configurable (<c>dotnet_diagnostic.SPTE1001.severity</c>
/// in <c>.editorconfig</c>, <c>#pragma warning disable</c>): unlike the generator's static asserts,
/// a zero may be deliberate, e.g. in a test that builds a corrupt table on purpose.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Correctness";

    public static readonly DiagnosticDescriptor RawZeroEntry = Create(
        RuleIdentifiers.RawZeroEntry,
        "A raw zero is written where the non-present value is required",
        "'{0}' writes a raw zero as an entry of '{1}', whose non-present value is {2}: use {3}",
        "An entry of a format whose non-present value is not zero must never be written as 0: "
        + "on Intel TDX a zero EPT entry lacks suppress-#VE (bit 63), so the guest takes a #VE instead of the host an EPT violation.");

    public static readonly DiagnosticDescriptor ZeroFilledTable = Create(
        RuleIdentifiers.ZeroFilledTable,
        "A table of entries is zero-filled where the non-present value is required",
        "'{0}' zero-fills a table of '{1}' entries, whose non-present value is {2}: {3}",
        "A fresh or reset page table must hold the non-present value in every entry, not zeros.");

    public static readonly DiagnosticDescriptor PresenceByComparison = Create(
        RuleIdentifiers.PresenceByComparison,
        "Presence is tested by comparing with zero or with the non-present value",
        "'{0}' decides whether an entry of '{1}' is present by comparing it with {2}: use {3} (MMIO and frozen entries are non-present too)",
        "Zero is not the empty entry of this format, and MMIO and frozen entries differ from the non-present value while being non-present: test IsPresent.");

    public static ImmutableArray<DiagnosticDescriptor> All { get; } =
        ImmutableArray.Create(RawZeroEntry, ZeroFilledTable, PresenceByComparison);

    /// <summary>Where each rule's page lives (see <see cref="HelpLinks"/>).</summary>
    public static string HelpLink(string id) => HelpLinks.For(id);

    private static DiagnosticDescriptor Create(string id, string title, string message, string description) =>
        new(
            id,
            title,
            message,
            Category,
            DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: description,
            helpLinkUri: HelpLink(id));
}

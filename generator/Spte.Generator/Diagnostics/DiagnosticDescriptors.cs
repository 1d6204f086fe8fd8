using Microsoft.CodeAnalysis;
using Spte.Diagnostics;

namespace Spte.Generator.Diagnostics;

/// <summary>
/// The static-assert errors. They are errors that cannot be configured away: a format that breaks
/// its invariants would make every MMU built on it wrong.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "SpteFormat";

    public static readonly DiagnosticDescriptor NonPresentSetsPresentBit = Create(
        RuleIdentifiers.NonPresentSetsPresentBit,
        "The non-present value sets a present bit",
        "NonPresentValue {0} sets present {1} of format '{2}'");

    public static readonly DiagnosticDescriptor FieldsOverlap = Create(
        RuleIdentifiers.FieldsOverlap,
        "Two fields of one view overlap",
        "{0} ({1}) overlaps {2} ({3}) at {4} in {5}");

    public static readonly DiagnosticDescriptor BitRangeInvalid = Create(
        RuleIdentifiers.BitRangeInvalid,
        "A bit range is outside 0..63 or reversed",
        "Bit range {0}..{1} of '{2}' is invalid: {3}");

    public static readonly DiagnosticDescriptor SpecialValueSetsPresentBit = Create(
        RuleIdentifiers.SpecialValueSetsPresentBit,
        "A special value sets a present bit",
        "Special value '{0}' {1} sets present {2} of format '{3}'");

    public static readonly DiagnosticDescriptor AssertionFails = Create(
        RuleIdentifiers.AssertionFails,
        "A declared assertion does not hold",
        "Assertion {0} does not hold: {1}");

    public static readonly DiagnosticDescriptor FormatNotPartialStruct = Create(
        RuleIdentifiers.FormatNotPartialStruct,
        "The format type is not a non-generic partial struct",
        "Format '{0}' cannot be generated: {1}");

    public static readonly DiagnosticDescriptor FieldTypeMismatch = Create(
        RuleIdentifiers.FieldTypeMismatch,
        "A property's type cannot hold its field",
        "Property '{0}' of type '{1}' cannot hold its {2}-bit field ({3}): {4}");

    public static readonly DiagnosticDescriptor NoPresentBit = Create(
        RuleIdentifiers.NoPresentBit,
        "The format declares no present bit",
        "Format '{0}' declares no present bit: mark the field that makes an entry present with [Present]");

    public static readonly DiagnosticDescriptor AssertionNameUnknown = Create(
        RuleIdentifiers.AssertionNameUnknown,
        "An assertion names something the format does not define",
        "Assertion names '{0}', which format '{1}' does not define (known: {2})");

    public static readonly DiagnosticDescriptor NameClash = Create(
        RuleIdentifiers.NameClash,
        "A name clashes",
        "{0} clashes with {1}");

    public static readonly DiagnosticDescriptor MemberDeclarationInvalid = Create(
        RuleIdentifiers.MemberDeclarationInvalid,
        "A field or view is declared in a way the generator cannot implement",
        "'{0}' {1}");

    public static readonly DiagnosticDescriptor ValuesCollide = Create(
        RuleIdentifiers.ValuesCollide,
        "A special value equals another special value or the non-present value",
        "Special value '{0}' {1} equals {2}, so the two cannot be told apart");

    /// <summary>Where each rule's page lives (see <see cref="HelpLinks"/>).</summary>
    public static string HelpLink(string id) => HelpLinks.For(id);

    private static DiagnosticDescriptor Create(string id, string title, string message) =>
        new(
            id,
            title,
            message,
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpLink(id),
            customTags: WellKnownDiagnosticTags.NotConfigurable);
}

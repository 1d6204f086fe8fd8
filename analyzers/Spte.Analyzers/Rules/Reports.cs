using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Spte.Analyzers.Diagnostics;
using Spte.Analyzers.Symbols;

namespace Spte.Analyzers.Rules;

/// <summary>Builds the diagnostics, with the properties the code fixes read (<see cref="FixProperties"/>).</summary>
internal static class Reports
{
    /// <summary>SPTE1001 for a zero entry stored in a location of <paramref name="entry"/>'s type.</summary>
    public static Diagnostic ZeroEntry(IOperation zero, EntryType entry, bool fixable) =>
        Diagnostic.Create(
            DiagnosticDescriptors.RawZeroEntry,
            zero.Syntax.GetLocation(),
            ValueProperties(fixable ? FixProperties.ReplaceValue : null, entry),
            Text(zero),
            entry.Format.Name,
            entry.Format.NonPresentText,
            entry.NonPresentText + (fixable ? string.Empty : NoFix));

    /// <summary>SPTE1001 for a raw zero stored in a <c>[SpteSlot]</c> slot of <paramref name="format"/>.</summary>
    public static Diagnostic ZeroRaw(IOperation zero, FormatInfo format) =>
        Diagnostic.Create(
            DiagnosticDescriptors.RawZeroEntry,
            zero.Syntax.GetLocation(),
            RawProperties(FixProperties.ReplaceValue, format),
            Text(zero),
            format.Name,
            format.NonPresentText,
            format.Name + ".NonPresentValue");

    /// <summary>SPTE1001 for a compound assignment that leaves a slot zero (<c>slot &amp;= 0</c>).</summary>
    public static Diagnostic ZeroCompound(IOperation compound, FormatInfo format) =>
        Diagnostic.Create(
            DiagnosticDescriptors.RawZeroEntry,
            compound.Syntax.GetLocation(),
            RawProperties(FixProperties.AssignValue, format),
            Text(compound),
            format.Name,
            format.NonPresentText,
            format.Name + ".NonPresentValue");

    /// <summary>
    /// SPTE1001 at a call of a helper that writes a raw zero into the slot passed to it (or whose
    /// returned zero lands in a slot); no fix at the call, the helper is what to change.
    /// </summary>
    public static Diagnostic ZeroThroughHelper(IOperation call, FormatInfo format, string helper, string what) =>
        Diagnostic.Create(
            DiagnosticDescriptors.RawZeroEntry,
            call.Syntax.GetLocation(),
            RawProperties(null, format),
            Text(call),
            format.Name,
            format.NonPresentText,
            format.Name + ".NonPresentValue in '" + helper + "', which " + what + " (no automatic fix at the call: change the helper)");

    /// <summary>SPTE1002 at a call of a helper that zero-fills the slot table passed to it, or returns a zero-filled table stored in a slot.</summary>
    public static Diagnostic ZeroTableThroughHelper(IOperation call, FormatInfo format, string helper, string what) =>
        Diagnostic.Create(
            DiagnosticDescriptors.ZeroFilledTable,
            call.Syntax.GetLocation(),
            RawProperties(null, format),
            Text(call),
            format.Name,
            format.NonPresentText,
            "fill it with " + format.Name + ".NonPresentValue in '" + helper + "', which " + what + " (no automatic fix at the call: change the helper)");

    /// <summary>SPTE1003 at a call of a helper that compares the slot value passed to it with zero; no fix at the call.</summary>
    public static Diagnostic PresenceThroughHelper(IOperation call, IOperation value, FormatInfo format, string helper, string what) =>
        Diagnostic.Create(
            DiagnosticDescriptors.PresenceByComparison,
            call.Syntax.GetLocation(),
            ImmutableDictionary<string, string?>.Empty.Add(FixProperties.Format, format.Key),
            Text(call),
            format.Name,
            "zero",
            format.Name + ".FromRaw(" + Text(value) + ").IsPresent in '" + helper + "', which " + what + " (no automatic fix at the call: change the helper)");

    /// <summary>SPTE1002 for a typed table (<c>T[]</c>, <c>Span&lt;T&gt;</c>, <c>T*</c>).</summary>
    public static Diagnostic ZeroTable(IOperation reported, EntryType entry, TableFix fix) =>
        Table(reported, ValueProperties(fix.Kind, entry).AddRange(fix.Properties), fix.Locations, entry.Format, fix.Advice(entry.Format, entry.NonPresentText));

    /// <summary>SPTE1002 for a raw <c>[SpteSlot]</c> table.</summary>
    public static Diagnostic ZeroRawTable(IOperation reported, FormatInfo format, TableFix fix) =>
        Table(reported, RawProperties(fix.Kind, format).AddRange(fix.Properties), fix.Locations, format, fix.Advice(format, format.Name + ".NonPresentValue"));

    /// <summary>SPTE1003 for a presence test by comparison.</summary>
    public static Diagnostic Comparison(IOperation comparison, PresenceMatch match, bool negate, bool fixable = true)
    {
        var properties = ImmutableDictionary<string, string?>.Empty;
        if (fixable)
        {
            properties = properties.Add(FixProperties.Fix, FixProperties.IsPresent);
        }

        properties = properties
            .Add(FixProperties.Negate, negate ? "true" : "false")
            .Add(FixProperties.Operand, match.Form)
            .Add(FixProperties.Format, match.Format.Key);
        var locations = match.Operand is { } operand ? new[] { operand.Syntax.GetLocation() } : System.Array.Empty<Location>();
        var test = match.Form switch
        {
            FixProperties.OperandImplicitRaw => "IsPresent",
            FixProperties.OperandSlot => match.Format.Name + ".FromRaw(" + Text(match.Operand!) + ").IsPresent",
            _ => Text(match.Operand!) + ".IsPresent",
        };
        return Diagnostic.Create(
            DiagnosticDescriptors.PresenceByComparison,
            comparison.Syntax.GetLocation(),
            locations,
            properties,
            Text(comparison),
            match.Format.Name,
            match.AgainstZero ? "zero" : "the non-present value",
            (negate ? "!" : string.Empty) + test + (fixable ? string.Empty : NoFix));
    }

    /// <summary>Appended to a message whose rewrite needs a person (the docs page shows it).</summary>
    public const string NoFix = " (no automatic fix: see the rule's page for the hand rewrite)";

    private static Diagnostic Table(
        IOperation reported,
        ImmutableDictionary<string, string?> properties,
        IEnumerable<Location> locations,
        FormatInfo format,
        string advice) =>
        Diagnostic.Create(
            DiagnosticDescriptors.ZeroFilledTable,
            reported.Syntax.GetLocation(),
            locations,
            properties,
            Text(reported),
            format.Name,
            format.NonPresentText,
            advice);

    private static ImmutableDictionary<string, string?> ValueProperties(string? fix, EntryType entry)
    {
        var properties = ImmutableDictionary<string, string?>.Empty
            .Add(FixProperties.Value, entry.IsView ? FixProperties.ViewNonPresent : FixProperties.NonPresent)
            .Add(FixProperties.Format, entry.Format.Key);
        if (entry.IsView)
        {
            properties = properties.Add(FixProperties.View, entry.Key);
        }

        return fix is null ? properties : properties.Add(FixProperties.Fix, fix);
    }

    private static ImmutableDictionary<string, string?> RawProperties(string? fix, FormatInfo format)
    {
        var properties = ImmutableDictionary<string, string?>.Empty
            .Add(FixProperties.Value, FixProperties.NonPresentValue)
            .Add(FixProperties.Format, format.Key);
        return fix is null ? properties : properties.Add(FixProperties.Fix, fix);
    }

    /// <summary>The expression as written, on one line, for a message.</summary>
    private static string Text(IOperation operation)
    {
        var text = operation.Syntax.ToString();
        return text.IndexOf('\n') < 0 ? text : text.Replace("\r", string.Empty).Replace('\n', ' ');
    }
}

using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Spte.Analyzers.Symbols;

/// <summary>
/// One entry format as the rules see it: a type marked <c>[SpteFormat]</c>, or a type parameter
/// <c>T</c> whose constraints include <c>ISpte&lt;T&gt;</c>, directly, through a derived interface
/// or through another type parameter (an unknown format, so its non-present value is unknown and
/// treated as non-zero: generic MMU code must work for KVM's bit-63 formats).
/// </summary>
internal sealed class FormatInfo
{
    private FormatInfo(ITypeSymbol type, ulong? nonPresentValue, bool hasSpecialValues, ISymbol? nonPresent, ISymbol? fromRaw, ISymbol? raw)
    {
        Type = type;
        NonPresentValue = nonPresentValue;
        HasSpecialValues = hasSpecialValues;
        NonPresent = nonPresent;
        FromRaw = fromRaw;
        Raw = raw;
    }

    /// <summary>The format type, or the type parameter.</summary>
    public ITypeSymbol Type { get; }

    /// <summary>The raw non-present value; null when unknown (a type parameter).</summary>
    public ulong? NonPresentValue { get; }

    /// <summary>Whether the format names special values (frozen, MMIO …): non-present values other than the non-present value.</summary>
    public bool HasSpecialValues { get; }

    /// <summary><c>T.NonPresent</c>.</summary>
    public ISymbol? NonPresent { get; }

    /// <summary><c>T.FromRaw(ulong)</c>.</summary>
    public ISymbol? FromRaw { get; }

    /// <summary><c>T.Raw</c>.</summary>
    public ISymbol? Raw { get; }

    /// <summary>Whether a zero entry is wrong (SPTE1001, SPTE1002): the non-present value is not known to be zero.</summary>
    public bool ZeroIsWrong => NonPresentValue != 0;

    /// <summary>
    /// Whether comparing with zero or the non-present value is a wrong presence test (SPTE1003): zero
    /// is not "empty", or special values make "not equal to empty" different from "present".
    /// </summary>
    public bool ComparisonIsWrong => ZeroIsWrong || HasSpecialValues;

    /// <summary>The name to write in code: <c>EptSpte</c>, or <c>T</c>.</summary>
    public string Name => Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);

    /// <summary>The non-present value for messages: fixed-width hex, or <c>T.NonPresentValue</c> when unknown.</summary>
    public string NonPresentText =>
        NonPresentValue is { } value
            ? "0x" + value.ToString("X16", CultureInfo.InvariantCulture)
            : Name + ".NonPresentValue";

    /// <summary>How the code fixes find the format again: a documentation-comment ID, or a type parameter's name.</summary>
    public string Key =>
        Type is ITypeParameterSymbol ? Type.Name : DocumentationCommentId.CreateDeclarationId(Type) ?? Type.Name;

    /// <summary>Whether <paramref name="value"/> is this format's non-present value (always false when unknown).</summary>
    public bool IsNonPresentValue(ulong value) => NonPresentValue == value;

    public static FormatInfo ForFormat(INamedTypeSymbol type, AttributeData format, INamedTypeSymbol? specialValueAttribute)
    {
        ulong nonPresentValue = 0;
        foreach (var argument in format.NamedArguments)
        {
            if (argument.Key == "NonPresentValue" && argument.Value.Value is ulong value)
            {
                nonPresentValue = value;
            }
        }

        var hasSpecialValues = type.GetAttributes().Any(a => SpteSymbols.Is(a.AttributeClass, specialValueAttribute));
        return new FormatInfo(
            type,
            nonPresentValue,
            hasSpecialValues,
            type.GetMembers("NonPresent").FirstOrDefault(m => m is IPropertySymbol { IsStatic: true } or IFieldSymbol { IsStatic: true }),
            EntryType.FindFromRaw(type),
            EntryType.FindRaw(type));
    }

    public static FormatInfo ForTypeParameter(ITypeParameterSymbol type, SpteSymbols symbols) =>
        new(type, nonPresentValue: null, hasSpecialValues: true, symbols.SpteNonPresent, symbols.SpteFromRaw, symbols.SpteRaw);
}

using Microsoft.CodeAnalysis;

namespace Spte.Generator.Parsing;

/// <summary>The attribute names of Spte.Annotations, matched by name and namespace.</summary>
internal static class SpteAttributes
{
    public const string Namespace = "Spte";
    public const string Format = "SpteFormatAttribute";
    public const string FormatMetadataName = Namespace + "." + Format;
    public const string View = "SpteViewAttribute";
    public const string ViewMetadataName = Namespace + "." + View;
    public const string Bit = "BitAttribute";
    public const string Bits = "BitsAttribute";
    public const string Present = "PresentAttribute";
    public const string SpecialValue = "SpecialValueAttribute";
    public const string Mask = "MaskAttribute";
    public const string Reserved = "ReservedAttribute";
    public const string Disjoint = "DisjointAttribute";
    public const string Within = "WithinAttribute";
    public const string Width = "WidthAttribute";

    public static bool Is(AttributeData attribute, string name) =>
        attribute.AttributeClass is { } type
        && type.Name == name
        && type.ContainingNamespace is { Name: Namespace, ContainingNamespace.IsGlobalNamespace: true };
}

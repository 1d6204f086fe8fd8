using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Spte.Generator.Model;

namespace Spte.Generator.Parsing;

/// <summary>
/// Reads a <c>[SpteFormat]</c> struct's symbols into a <see cref="FormatDeclaration"/>. All
/// symbol work happens here, so nothing downstream holds a symbol or a syntax node.
/// </summary>
internal static class FormatParser
{
    public static FormatDeclaration? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax node)
        {
            return null;
        }

        // A type whose parts both carry [SpteFormat] (already CS0579) is generated once, from the
        // part holding the first attribute, so that no two outputs share a hint name.
        var formatAttribute = type.GetAttributes().FirstOrDefault(static a => SpteAttributes.Is(a, SpteAttributes.Format));
        if (formatAttribute?.ApplicationSyntaxReference is not { } formatReference
            || formatReference.SyntaxTree != node.SyntaxTree
            || !node.Span.Contains(formatReference.Span))
        {
            return null;
        }

        cancellationToken.ThrowIfCancellationRequested();

        var formatSyntax = formatReference.GetSyntax(cancellationToken) as AttributeSyntax;
        var nonPresent = 0UL;
        LocationInfo? nonPresentLocation = null;
        foreach (var named in formatAttribute.NamedArguments)
        {
            if (named.Key == "NonPresentValue" && TryGetUInt64(named.Value, out var value))
            {
                nonPresent = value;
                nonPresentLocation = LocationInfo.From(NamedArgument(formatSyntax, named.Key));
            }
        }

        var containers = new List<ContainingType>();
        string? declarationError = TypeError(type, node, "format");
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            var outerSyntax = outer.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax(cancellationToken))
                .OfType<TypeDeclarationSyntax>()
                .FirstOrDefault();
            if (outerSyntax is null || !outerSyntax.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                declarationError ??= $"its containing type '{outer.Name}' is not partial";
                break;
            }

            containers.Insert(0, new ContainingType(Keyword(outerSyntax), outer.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)));
        }

        var views = new List<ViewDeclaration>();
        foreach (var nested in type.GetTypeMembers())
        {
            var viewAttribute = nested.GetAttributes().FirstOrDefault(static a => SpteAttributes.Is(a, SpteAttributes.View));
            if (viewAttribute is null)
            {
                continue;
            }

            var viewSyntax = nested.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax(cancellationToken))
                .OfType<TypeDeclarationSyntax>()
                .FirstOrDefault();
            views.Add(new ViewDeclaration(
                nested.Name,
                viewSyntax is null ? "cannot be found in source" : TypeError(nested, viewSyntax, "view"),
                ParseFields(nested, isView: true, cancellationToken),
                ParseRuns(nested, SpteAttributes.Reserved, cancellationToken),
                LocationInfo.From(viewSyntax?.Identifier.GetLocation())));
        }

        return new FormatDeclaration(
            type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            containers.ToEquatableArray(),
            type.Name,
            HintName(type),
            declarationError,
            LocationInfo.From(node.Identifier.GetLocation()),
            nonPresent,
            LocationInfo.From(formatSyntax),
            nonPresentLocation,
            ParseFields(type, isView: false, cancellationToken),
            ParseNamedValues(type, SpteAttributes.SpecialValue, cancellationToken),
            ParseNamedValues(type, SpteAttributes.Mask, cancellationToken),
            ParseRuns(type, SpteAttributes.Reserved, cancellationToken),
            views.ToEquatableArray(),
            ParseAssertions(type, cancellationToken));
    }

    /// <summary>Why <paramref name="type"/> cannot be generated, or null when it can.</summary>
    private static string? TypeError(INamedTypeSymbol type, TypeDeclarationSyntax syntax, string role)
    {
        if (type.TypeKind != TypeKind.Struct)
        {
            return $"a {role} must be a struct";
        }

        if (type.IsRecord)
        {
            return $"a {role} must not be a record struct, which brings its own equality and ToString";
        }

        if (type.IsRefLikeType)
        {
            return $"a {role} must not be a ref struct, because entries are stored in arrays";
        }

        if (type.IsGenericType)
        {
            return $"a {role} must not be generic";
        }

        return syntax.Modifiers.Any(SyntaxKind.PartialKeyword) ? null : $"a {role} must be declared partial";
    }

    private static string Keyword(TypeDeclarationSyntax syntax) => syntax switch
    {
        RecordDeclarationSyntax record when record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) => "record struct",
        RecordDeclarationSyntax => "record",
        _ => syntax.Keyword.Text,
    };

    private static EquatableArray<FieldDeclaration> ParseFields(INamedTypeSymbol type, bool isView, CancellationToken cancellationToken)
    {
        var fields = new List<FieldDeclaration>();
        foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
        {
            var runs = new List<BitRun>();
            LocationInfo? presentLocation = null;
            foreach (var attribute in property.GetAttributes())
            {
                var args = attribute.ConstructorArguments;
                if (SpteAttributes.Is(attribute, SpteAttributes.Bit) && args.Length == 1 && TryGetInt(args[0], out var bit))
                {
                    runs.Add(new BitRun(bit, bit, AttributeLocation(attribute, cancellationToken)));
                }
                else if (SpteAttributes.Is(attribute, SpteAttributes.Bits) && args.Length == 2
                    && TryGetInt(args[0], out var low) && TryGetInt(args[1], out var high))
                {
                    runs.Add(new BitRun(low, high, AttributeLocation(attribute, cancellationToken)));
                }
                else if (SpteAttributes.Is(attribute, SpteAttributes.Present))
                {
                    presentLocation = AttributeLocation(attribute, cancellationToken);
                }
            }

            if (runs.Count == 0 && presentLocation is null)
            {
                continue;
            }

            var syntax = property.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax(cancellationToken))
                .OfType<PropertyDeclarationSyntax>()
                .FirstOrDefault();
            var (kind, bits, signed) = Classify(property.Type);
            fields.Add(new FieldDeclaration(
                property.Name,
                syntax is null ? "public partial" : string.Join(" ", syntax.Modifiers.Select(static m => m.Text)),
                property.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                kind,
                bits,
                signed,
                runs.ToEquatableArray(),
                presentLocation,
                PropertyError(property, syntax, runs.Count, presentLocation is not null && isView),
                syntax is not null && syntax.Modifiers.Any(SyntaxKind.PartialKeyword)
                    && property.SetMethod is null && property.PartialImplementationPart is null,
                LocationInfo.From(syntax?.Identifier.GetLocation()),
                LocationInfo.From(syntax?.Type)));
        }

        return fields.ToEquatableArray();
    }

    private static string? PropertyError(IPropertySymbol property, PropertyDeclarationSyntax? syntax, int runCount, bool presentInView)
    {
        if (runCount == 0)
        {
            return "has [Present] but no [Bit] or [Bits] to say where it lives";
        }

        if (presentInView)
        {
            return "has [Present], which belongs on the format's own fields, not on a view's";
        }

        if (syntax is null || !syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            return "must be a partial property, which the generator implements";
        }

        if (property.IsStatic)
        {
            return "must be an instance property";
        }

        if (property.SetMethod is not null || property.GetMethod is null)
        {
            return "must be get-only: entries are immutable values, changed through their With methods";
        }

        return property.PartialImplementationPart is not null
            ? "already has an implementation; the generator writes it"
            : null;
    }

    private static (FieldKind Kind, int Bits, bool Signed) Classify(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying })
        {
            var (kind, bits, signed) = Classify(underlying);
            return kind is FieldKind.Unsigned or FieldKind.Signed ? (FieldKind.Enum, bits, signed) : (FieldKind.Unsupported, 0, false);
        }

        return type.SpecialType switch
        {
            SpecialType.System_Boolean => (FieldKind.Bool, 1, false),
            SpecialType.System_Byte => (FieldKind.Unsigned, 8, false),
            SpecialType.System_UInt16 => (FieldKind.Unsigned, 16, false),
            SpecialType.System_UInt32 => (FieldKind.Unsigned, 32, false),
            SpecialType.System_UInt64 => (FieldKind.Unsigned, 64, false),
            SpecialType.System_SByte => (FieldKind.Signed, 8, true),
            SpecialType.System_Int16 => (FieldKind.Signed, 16, true),
            SpecialType.System_Int32 => (FieldKind.Signed, 32, true),
            SpecialType.System_Int64 => (FieldKind.Signed, 64, true),
            _ => (FieldKind.Unsupported, 0, false),
        };
    }

    private static EquatableArray<NamedValue> ParseNamedValues(INamedTypeSymbol type, string attributeName, CancellationToken cancellationToken)
    {
        var values = new List<NamedValue>();
        foreach (var attribute in type.GetAttributes())
        {
            var args = attribute.ConstructorArguments;
            if (SpteAttributes.Is(attribute, attributeName) && args.Length == 2 && TryGetUInt64(args[1], out var value))
            {
                var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
                values.Add(new NamedValue(
                    args[0].Value as string ?? string.Empty,
                    value,
                    LocationInfo.From(PositionalArgument(syntax, 0)),
                    LocationInfo.From(PositionalArgument(syntax, 1))));
            }
        }

        return values.ToEquatableArray();
    }

    private static EquatableArray<BitRun> ParseRuns(INamedTypeSymbol type, string attributeName, CancellationToken cancellationToken)
    {
        var runs = new List<BitRun>();
        foreach (var attribute in type.GetAttributes())
        {
            var args = attribute.ConstructorArguments;
            if (!SpteAttributes.Is(attribute, attributeName) || args.Length is < 1 or > 2 || !TryGetInt(args[0], out var low))
            {
                continue;
            }

            var high = low;
            if (args.Length == 2 && !TryGetInt(args[1], out high))
            {
                continue;
            }

            runs.Add(new BitRun(low, high, AttributeLocation(attribute, cancellationToken)));
        }

        return runs.ToEquatableArray();
    }

    private static EquatableArray<AssertionDeclaration> ParseAssertions(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var assertions = new List<AssertionDeclaration>();
        foreach (var attribute in type.GetAttributes())
        {
            var args = attribute.ConstructorArguments;
            if (args.Length != 2 || args[0].Value is not string first)
            {
                continue;
            }

            AssertionKind kind;
            var second = string.Empty;
            var bits = 0;
            if (SpteAttributes.Is(attribute, SpteAttributes.Disjoint) && args[1].Value is string disjointWith)
            {
                kind = AssertionKind.Disjoint;
                second = disjointWith;
            }
            else if (SpteAttributes.Is(attribute, SpteAttributes.Within) && args[1].Value is string within)
            {
                kind = AssertionKind.Within;
                second = within;
            }
            else if (SpteAttributes.Is(attribute, SpteAttributes.Width) && TryGetInt(args[1], out bits))
            {
                kind = AssertionKind.Width;
            }
            else
            {
                continue;
            }

            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            assertions.Add(new AssertionDeclaration(
                kind,
                first,
                second,
                bits,
                LocationInfo.From(syntax),
                LocationInfo.From(PositionalArgument(syntax, 0)),
                LocationInfo.From(PositionalArgument(syntax, 1))));
        }

        return assertions.ToEquatableArray();
    }

    private static LocationInfo? AttributeLocation(AttributeData attribute, CancellationToken cancellationToken) =>
        LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken));

    private static AttributeArgumentSyntax? PositionalArgument(AttributeSyntax? syntax, int index)
    {
        var positional = syntax?.ArgumentList?.Arguments
            .Where(static a => a.NameEquals is null && a.NameColon is null)
            .ToList();
        return positional is not null && index < positional.Count ? positional[index] : null;
    }

    private static AttributeArgumentSyntax? NamedArgument(AttributeSyntax? syntax, string name) =>
        syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);

    private static bool TryGetInt(TypedConstant constant, out int value)
    {
        if (constant.Kind == TypedConstantKind.Primitive && constant.Value is int i)
        {
            value = i;
            return true;
        }

        value = 0;
        return false;
    }

    private static bool TryGetUInt64(TypedConstant constant, out ulong value)
    {
        if (constant.Kind == TypedConstantKind.Primitive && constant.Value is ulong u)
        {
            value = u;
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>
    /// A hint name from the metadata name: namespaces joined by '.', nesting by '+', anything a
    /// file name should not hold replaced, so two formats never share one.
    /// </summary>
    private static string HintName(INamedTypeSymbol type)
    {
        var parts = new Stack<string>();
        for (ISymbol? symbol = type; symbol is INamedTypeSymbol named; symbol = named.ContainingType)
        {
            parts.Push(named.MetadataName);
        }

        var name = new StringBuilder();
        if (!type.ContainingNamespace.IsGlobalNamespace)
        {
            name.Append(type.ContainingNamespace.ToDisplayString()).Append('.');
        }

        name.Append(string.Join("+", parts));
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!(char.IsLetterOrDigit(c) || c is '.' or '_' or '+' or '`'))
            {
                name[i] = '_';
            }
        }

        return name.Append(".g.cs").ToString();
    }
}

using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Spte.Generator.Diagnostics;
using Spte.Generator.Model;
using static Spte.Generator.Parsing.AttributeArguments;

namespace Spte.Generator.Parsing;

/// <summary>
/// Reads a <c>[SpteFormat]</c> struct's symbols into a <see cref="FormatDeclaration"/>. All
/// symbol work happens here, so nothing downstream holds a symbol or a syntax node.
/// </summary>
internal static class FormatParser
{
    public static FormatDeclaration? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        // A type whose name is still being typed has nothing to generate into yet.
        if (context.TargetSymbol is not INamedTypeSymbol type
            || context.TargetNode is not TypeDeclarationSyntax node
            || node.Identifier.IsMissing)
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
            if (outerSyntax is { Identifier.IsMissing: true })
            {
                return null;
            }

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
            if (viewSyntax is { Identifier.IsMissing: true })
            {
                // Still being typed: a view with no name yet has nothing to generate.
                continue;
            }

            var viewLocation = LocationInfo.From(viewSyntax?.Identifier.GetLocation());
            var viewError = viewSyntax is null ? "cannot be found in source" : TypeError(nested, viewSyntax, "view");
            views.Add(new ViewDeclaration(
                nested.Name,
                viewError is null ? null : DiagnosticInfo.Create(DiagnosticDescriptors.MemberDeclarationInvalid, viewLocation, nested.Name, viewError),
                FieldParser.Parse(nested, isView: true, cancellationToken),
                ParseRuns(nested, SpteAttributes.Reserved, cancellationToken),
                viewLocation));
        }

        var identifierLocation = LocationInfo.From(node.Identifier.GetLocation());
        return new FormatDeclaration(
            type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            containers.ToEquatableArray(),
            type.Name,
            HintName(type),
            declarationError is null ? null : DiagnosticInfo.Create(DiagnosticDescriptors.FormatNotPartialStruct, identifierLocation, type.Name, declarationError),
            identifierLocation,
            nonPresent,
            LocationInfo.From(formatSyntax),
            nonPresentLocation,
            FieldParser.Parse(type, isView: false, cancellationToken),
            ParseNamedValues(type, SpteAttributes.SpecialValue, cancellationToken),
            ParseNamedValues(type, SpteAttributes.Mask, cancellationToken),
            ParseRuns(type, SpteAttributes.Reserved, cancellationToken),
            views.ToEquatableArray(),
            AssertionParser.Parse(type, cancellationToken));
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

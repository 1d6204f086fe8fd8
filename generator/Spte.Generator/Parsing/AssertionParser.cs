using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Spte.Generator.Model;
using static Spte.Generator.Parsing.AttributeArguments;

namespace Spte.Generator.Parsing;

/// <summary>Reads a format's <c>[Disjoint]</c>, <c>[Within]</c> and <c>[Width]</c> assertions.</summary>
internal static class AssertionParser
{
    public static EquatableArray<AssertionDeclaration> Parse(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var assertions = new List<AssertionDeclaration>();
        foreach (var attribute in type.GetAttributes())
        {
            // Arguments as the attribute's constructor sees them: a params array arrives as one
            // array constant, flattened here so "Disjoint(a, b, c)" reads as three names. A null
            // array (written "null") holds no names; its Values would throw.
            var args = attribute.ConstructorArguments
                .SelectMany(static a => a.Kind != TypedConstantKind.Array ? ImmutableArray.Create(a)
                    : a.IsNull ? ImmutableArray<TypedConstant>.Empty
                    : a.Values)
                .ToList();
            if (Read(attribute, args) is not { } read)
            {
                continue;
            }

            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            assertions.Add(new AssertionDeclaration(
                read.Kind,
                read.Names.Select((name, i) => new AssertionOperand(name, LocationInfo.From(PositionalArgument(syntax, i)))).ToEquatableArray(),
                read.Widths.ToEquatableArray(),
                LocationInfo.From(syntax)));
        }

        return assertions.ToEquatableArray();
    }

    /// <summary>The kind, names and widths of an assertion attribute, or null when it is not one (or does not bind yet).</summary>
    private static (AssertionKind Kind, List<string> Names, List<int> Widths)? Read(AttributeData attribute, List<TypedConstant> args)
    {
        if (SpteAttributes.Is(attribute, SpteAttributes.Disjoint) && args.Count >= 2 && Strings(args) is { } names)
        {
            return (AssertionKind.Disjoint, names, []);
        }

        if (SpteAttributes.Is(attribute, SpteAttributes.Within) && args.Count == 2 && Strings(args) is { } pair)
        {
            return (AssertionKind.Within, pair, []);
        }

        if (SpteAttributes.Is(attribute, SpteAttributes.Width) && args.Count >= 2 && args[0].Value is string name)
        {
            var widths = new List<int>();
            foreach (var arg in args.Skip(1))
            {
                if (!TryGetInt(arg, out var width))
                {
                    return null;
                }

                widths.Add(width);
            }

            return (AssertionKind.Width, [name], widths);
        }

        return null;
    }

    private static List<string>? Strings(List<TypedConstant> args) =>
        args.All(static a => a.Value is string) ? args.Select(static a => (string)a.Value!).ToList() : null;
}

using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Spte.Generator.Model;

namespace Spte.Generator.Parsing;

/// <summary>Reading an attribute's constant arguments, and where each was written.</summary>
internal static class AttributeArguments
{
    public static LocationInfo? AttributeLocation(AttributeData attribute, CancellationToken cancellationToken) =>
        LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken));

    public static AttributeArgumentSyntax? PositionalArgument(AttributeSyntax? syntax, int index)
    {
        var positional = syntax?.ArgumentList?.Arguments
            .Where(static a => a.NameEquals is null && a.NameColon is null)
            .ToList();
        return positional is not null && index < positional.Count ? positional[index] : null;
    }

    public static AttributeArgumentSyntax? NamedArgument(AttributeSyntax? syntax, string name) =>
        syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);

    public static bool TryGetInt(TypedConstant constant, out int value)
    {
        if (constant.Kind == TypedConstantKind.Primitive && constant.Value is int i)
        {
            value = i;
            return true;
        }

        value = 0;
        return false;
    }

    public static bool TryGetUInt64(TypedConstant constant, out ulong value)
    {
        if (constant.Kind == TypedConstantKind.Primitive && constant.Value is ulong u)
        {
            value = u;
            return true;
        }

        value = 0;
        return false;
    }
}

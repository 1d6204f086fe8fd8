using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Spte.Generator.Diagnostics;
using Spte.Generator.Model;
using static Spte.Generator.Parsing.AttributeArguments;

namespace Spte.Generator.Parsing;

/// <summary>Reads the <c>[Bit]</c>/<c>[Bits]</c> properties of a format or view.</summary>
internal static class FieldParser
{
    public static EquatableArray<FieldDeclaration> Parse(INamedTypeSymbol type, bool isView, CancellationToken cancellationToken)
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
            if (IsHalfTyped(property, syntax))
            {
                continue;
            }

            var (kind, bits, signed) = Classify(property.Type);
            var nameLocation = LocationInfo.From(syntax?.Identifier.GetLocation());
            var error = PropertyError(property, syntax, runs.Count, presentLocation is not null && isView);
            fields.Add(new FieldDeclaration(
                property.Name,
                syntax is null ? "public partial" : string.Join(" ", syntax.Modifiers.Select(static m => m.Text)),
                property.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                kind,
                bits,
                signed,
                runs.ToEquatableArray(),
                presentLocation,
                error is null ? null : DiagnosticInfo.Create(DiagnosticDescriptors.MemberDeclarationInvalid, nameLocation, property.Name, error),
                syntax is not null && syntax.Modifiers.Any(SyntaxKind.PartialKeyword)
                    && property.GetMethod is not null && property.SetMethod is null && property.PartialImplementationPart is null,
                nameLocation,
                LocationInfo.From(syntax?.Type),
                kind == FieldKind.Enum ? EnumMembers(property.Type) : EquatableArray<EnumMember>.Empty));
        }

        return fields.ToEquatableArray();
    }

    /// <summary>
    /// A property the user is still typing (<c>{ ge</c>, an attribute cut mid-argument, a type
    /// that does not resolve) is left out entirely: the compiler already reports the problem at the
    /// user's code, and any implementation written now would only add errors inside the generated
    /// file. It comes back, and is checked, as soon as it parses and binds.
    /// </summary>
    private static bool IsHalfTyped(IPropertySymbol property, PropertyDeclarationSyntax? syntax) =>
        syntax is { ContainsDiagnostics: true } || property.Type.TypeKind == TypeKind.Error;

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

    /// <summary>The members of an enum type with their values, for assertions that name them; negative ones never fit a field.</summary>
    private static EquatableArray<EnumMember> EnumMembers(ITypeSymbol type) =>
        type.GetMembers()
            .OfType<IFieldSymbol>()
            .Where(static f => f.HasConstantValue)
            .Select(static f => TryGetNonNegative(f.ConstantValue, out var value) ? new EnumMember(f.Name, value) : null)
            .OfType<EnumMember>()
            .ToEquatableArray();

    private static bool TryGetNonNegative(object? constant, out ulong value)
    {
        switch (constant)
        {
            case byte or ushort or uint or ulong:
                value = Convert.ToUInt64(constant, CultureInfo.InvariantCulture);
                return true;
            case sbyte or short or int or long:
                var signed = Convert.ToInt64(constant, CultureInfo.InvariantCulture);
                value = unchecked((ulong)signed);
                return signed >= 0;
            default:
                value = 0;
                return false;
        }
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
}

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using Spte.Analyzers.Diagnostics;

namespace Spte.Analyzers.CodeFixes;

/// <summary>Builds the expressions the fixes write, from what the analyzer put in <see cref="Diagnostic.Properties"/>.</summary>
internal static class FixSyntax
{
    /// <summary>Whether the format (and view) named by the diagnostic can be found in <paramref name="compilation"/>.</summary>
    public static bool CanResolve(Diagnostic diagnostic, Compilation compilation) =>
        Resolves(diagnostic.Properties.TryGetValue(FixProperties.Format, out var format) ? format : null, compilation)
        && (!diagnostic.Properties.TryGetValue(FixProperties.View, out var view) || Resolves(view, compilation));

    /// <summary>The format as a type expression: <c>EptSpte</c> (simplified from <c>global::…</c>), or <c>T</c>.</summary>
    public static SyntaxNode Format(SyntaxGenerator generator, Diagnostic diagnostic, Compilation compilation) =>
        Type(generator, diagnostic.Properties[FixProperties.Format]!, compilation);

    /// <summary>
    /// The non-present value the location needs: <c>T.NonPresent</c>, <c>T.NonPresentValue</c>, or
    /// <c>V.FromRaw(T.NonPresentValue)</c> for a view.
    /// </summary>
    public static SyntaxNode NonPresent(SyntaxGenerator generator, Diagnostic diagnostic, Compilation compilation)
    {
        var format = Format(generator, diagnostic, compilation);
        diagnostic.Properties.TryGetValue(FixProperties.Value, out var value);
        var expression = value switch
        {
            FixProperties.NonPresentValue => generator.MemberAccessExpression(format, "NonPresentValue"),
            FixProperties.ViewNonPresent => generator.InvocationExpression(
                generator.MemberAccessExpression(Type(generator, diagnostic.Properties[FixProperties.View]!, compilation), "FromRaw"),
                generator.MemberAccessExpression(format, "NonPresentValue")),
            _ => generator.MemberAccessExpression(format, "NonPresent"),
        };
        return expression.WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);
    }

    /// <summary><c>global::System.Array</c>, simplified where <c>using System;</c> allows.</summary>
    public static SyntaxNode ArrayType(SyntaxGenerator generator, Compilation compilation) =>
        generator.TypeExpression(compilation.GetSpecialType(SpecialType.System_Array)).WithAdditionalAnnotations(Simplifier.Annotation);

    private static SyntaxNode Type(SyntaxGenerator generator, string key, Compilation compilation) =>
        Symbol(key, compilation) is { } type
            // Parsed rather than generator.TypeExpression: a nested type must be a member access in
            // an expression (EptSpte.Leaf.FromRaw), not the QualifiedName a type position would use.
            ? SyntaxFactory.ParseExpression(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)).WithAdditionalAnnotations(Simplifier.Annotation)
            : generator.IdentifierName(key);

    private static bool Resolves(string? key, Compilation compilation) =>
        key is not null && (!IsDocumentationId(key) || Symbol(key, compilation) is not null);

    private static ITypeSymbol? Symbol(string key, Compilation compilation) =>
        IsDocumentationId(key) ? DocumentationCommentId.GetFirstSymbolForDeclarationId(key, compilation) as ITypeSymbol : null;

    // A type parameter travels as its bare name, which can never contain ':'.
    private static bool IsDocumentationId(string key) => key.StartsWith("T:", System.StringComparison.Ordinal);
}

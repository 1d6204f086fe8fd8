using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Spte.Analyzers.Diagnostics;

namespace Spte.Analyzers.CodeFixes;

/// <summary>
/// SPTE1003: replaces the comparison with <c>x.IsPresent</c> or <c>!x.IsPresent</c>
/// (<c>T.FromRaw(x).IsPresent</c> for a raw slot value).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(IsPresentCodeFixProvider)), Shared]
public sealed class IsPresentCodeFixProvider : SpteCodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.PresenceByComparison);

    /// <inheritdoc/>
    protected override string Title => "Test presence with IsPresent";

    private protected override void Apply(DocumentEditor editor, SyntaxNode root, Diagnostic diagnostic)
    {
        var generator = editor.Generator;
        var comparison = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        var form = diagnostic.Properties[FixProperties.Operand];
        SyntaxNode isPresent;
        if (form == FixProperties.OperandImplicitRaw)
        {
            isPresent = generator.IdentifierName("IsPresent");
        }
        else
        {
            var operand = root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true).WithoutTrivia();
            var entry = form == FixProperties.OperandSlot
                ? generator.InvocationExpression(
                    generator.MemberAccessExpression(FixSyntax.Format(generator, diagnostic, editor.SemanticModel.Compilation), "FromRaw"),
                    operand)
                : operand;
            isPresent = generator.MemberAccessExpression(entry, "IsPresent");
        }

        if (diagnostic.Properties[FixProperties.Negate] == "true")
        {
            isPresent = generator.LogicalNotExpression(isPresent);
        }

        var replacement = isPresent.WithAdditionalAnnotations(Formatter.Annotation);
        editor.ReplaceNode(comparison, (current, _) => replacement.WithTriviaFrom(current));
    }
}

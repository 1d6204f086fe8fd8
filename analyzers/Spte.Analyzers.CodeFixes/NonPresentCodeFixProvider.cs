using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Spte.Analyzers.Diagnostics;

namespace Spte.Analyzers.CodeFixes;

/// <summary>SPTE1001: replaces the raw zero with <c>T.NonPresent</c> (<c>T.NonPresentValue</c> in a raw slot).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NonPresentCodeFixProvider)), Shared]
public sealed class NonPresentCodeFixProvider : SpteCodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.RawZeroEntry);

    /// <inheritdoc/>
    protected override string Title => "Write the non-present value";

    private protected override void Apply(DocumentEditor editor, SyntaxNode root, Diagnostic diagnostic)
    {
        var zero = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        var value = FixSyntax.NonPresent(editor.Generator, diagnostic, editor.SemanticModel.Compilation);
        if (diagnostic.Properties[FixProperties.Fix] == FixProperties.AssignValue)
        {
            // x &= 0 → x = T.NonPresentValue.
            if (zero is AssignmentExpressionSyntax compound)
            {
                editor.ReplaceNode(
                    compound,
                    (current, generator) => generator.AssignmentStatement(((AssignmentExpressionSyntax)current).Left.WithoutTrailingTrivia(), value).WithTriviaFrom(current));
            }

            return;
        }

        editor.ReplaceNode(zero, (current, _) => value.WithTriviaFrom(current));
    }
}

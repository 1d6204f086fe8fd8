using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Spte.Analyzers.Diagnostics;

namespace Spte.Analyzers.CodeFixes;

/// <summary>
/// SPTE1002: <c>new T[n]</c> → <c>T.NewTable(n)</c>; <c>Array.Clear(a)</c> → <c>Array.Fill(a, v)</c>;
/// <c>s.Clear()</c> → <c>s.Fill(v)</c>; <c>Fill(0)</c> → <c>Fill(v)</c>; and, where an allocation
/// must stay (raw <c>ulong</c> tables, <c>stackalloc</c>, pinned arrays), a fill right after the
/// statement that stores it.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ZeroFilledTableCodeFixProvider)), Shared]
public sealed class ZeroFilledTableCodeFixProvider : SpteCodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIdentifiers.ZeroFilledTable);

    /// <inheritdoc/>
    protected override string Title => "Fill the table with the non-present value";

    private protected override void Apply(DocumentEditor editor, SyntaxNode root, Diagnostic diagnostic)
    {
        var generator = editor.Generator;
        var compilation = editor.SemanticModel.Compilation;
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        var value = FixSyntax.NonPresent(generator, diagnostic, compilation);
        switch (diagnostic.Properties[FixProperties.Fix])
        {
            case FixProperties.ReplaceValue:
                editor.ReplaceNode(node, (current, _) => value.WithTriviaFrom(current));
                break;
            case FixProperties.NewTable:
                var size = Additional(root, diagnostic).WithoutTrivia();
                var newTable = generator.InvocationExpression(
                    generator.MemberAccessExpression(FixSyntax.Format(generator, diagnostic, compilation), "NewTable"),
                    size);
                editor.ReplaceNode(node, (current, _) => newTable.WithTriviaFrom(current));
                break;
            case FixProperties.ArrayFill when node is InvocationExpressionSyntax:
                editor.ReplaceNode(node, (current, g) =>
                {
                    // Array.Clear(a[, i, n]) → Array.Fill(a, value[, i, n]).
                    var arguments = ((InvocationExpressionSyntax)current).ArgumentList.Arguments.Select(a => (SyntaxNode)a.Expression).ToList();
                    arguments.Insert(1, value);
                    return g.InvocationExpression(g.MemberAccessExpression(FixSyntax.ArrayType(g, compilation), "Fill"), arguments)
                        .WithTriviaFrom(current);
                });
                break;
            case FixProperties.SpanFill when node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax }:
                editor.ReplaceNode(node, (current, g) =>
                {
                    var receiver = ((MemberAccessExpressionSyntax)((InvocationExpressionSyntax)current).Expression).Expression;
                    return g.InvocationExpression(g.MemberAccessExpression(receiver, "Fill"), value).WithTriviaFrom(current);
                });
                break;
            case FixProperties.FillAfter:
                InsertFill(editor, Additional(root, diagnostic), diagnostic, value);
                break;
        }
    }

    /// <summary>After <c>var t = new ulong[n];</c> or <c>Table = …;</c>: <c>Array.Fill(t, v);</c> or <c>t.Fill(v);</c>.</summary>
    private static void InsertFill(DocumentEditor editor, SyntaxNode variable, Diagnostic diagnostic, SyntaxNode value)
    {
        var generator = editor.Generator;
        var target = variable is VariableDeclaratorSyntax declarator
            ? generator.IdentifierName(declarator.Identifier.ValueText)
            : variable.WithoutTrivia();
        var fill = diagnostic.Properties[FixProperties.FillKind] == FixProperties.FillArray
            ? generator.InvocationExpression(generator.MemberAccessExpression(FixSyntax.ArrayType(generator, editor.SemanticModel.Compilation), "Fill"), target, value)
            : generator.InvocationExpression(generator.MemberAccessExpression(target, "Fill"), value);
        if (variable.FirstAncestorOrSelf<StatementSyntax>() is { } statement)
        {
            editor.InsertAfter(statement, generator.ExpressionStatement(fill).WithAdditionalAnnotations(Formatter.Annotation));
        }
    }

    private static SyntaxNode Additional(SyntaxNode root, Diagnostic diagnostic) =>
        root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true);
}

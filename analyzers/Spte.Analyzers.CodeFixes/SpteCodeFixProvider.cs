using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using Spte.Analyzers.Diagnostics;

namespace Spte.Analyzers.CodeFixes;

/// <summary>
/// What the three fixes share: one code action per diagnostic whose equivalence key is its title,
/// and a Fix All that applies every diagnostic of a document through one <see cref="DocumentEditor"/>,
/// so no edit is lost to merging (document, project and solution scope).
/// </summary>
public abstract class SpteCodeFixProvider : CodeFixProvider
{
    /// <summary>The code action's title, also its equivalence key.</summary>
    protected abstract string Title { get; }

    /// <inheritdoc/>
    public sealed override FixAllProvider GetFixAllProvider() => new FixAll(this);

    /// <inheritdoc/>
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            // Validate before registering: an action that would do nothing is never offered.
            if (diagnostic.Properties.ContainsKey(FixProperties.Fix) && FixSyntax.CanResolve(diagnostic, model.Compilation))
            {
                context.RegisterCodeFix(
                    CodeAction.Create(Title, ct => FixAsync(context.Document, ImmutableArray.Create(diagnostic), ct), Title),
                    diagnostic);
            }
        }
    }

    /// <summary>Rewrites one diagnostic's code through <paramref name="editor"/>.</summary>
    private protected abstract void Apply(DocumentEditor editor, SyntaxNode root, Diagnostic diagnostic);

    private async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var root = editor.OriginalRoot;
        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.Properties.ContainsKey(FixProperties.Fix) && FixSyntax.CanResolve(diagnostic, editor.SemanticModel.Compilation))
            {
                Apply(editor, root, diagnostic);
            }
        }

        var changed = editor.GetChangedDocument();
        changed = await Simplifier.ReduceAsync(changed, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await Formatter.FormatAsync(changed, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private sealed class FixAll : DocumentBasedFixAllProvider
    {
        private readonly SpteCodeFixProvider _provider;

        public FixAll(SpteCodeFixProvider provider) => _provider = provider;

        protected override string GetFixAllTitle(FixAllContext fixAllContext) => _provider.Title;

        protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics) =>
            diagnostics.IsEmpty ? null : await _provider.FixAsync(document, diagnostics, fixAllContext.CancellationToken).ConfigureAwait(false);
    }
}

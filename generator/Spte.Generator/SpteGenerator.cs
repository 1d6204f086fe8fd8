using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Spte.Generator.Diagnostics;
using Spte.Generator.Emit;
using Spte.Generator.Model;
using Spte.Generator.Parsing;
using Spte.Generator.Validation;

namespace Spte.Generator;

/// <summary>
/// Generates the wrapper of every <c>[SpteFormat]</c> struct and reports the format's static
/// asserts (SPTE0001..SPTE0012) as errors located on the attribute that breaks them.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SpteGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var results = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                SpteAttributes.FormatMetadataName,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => FormatParser.Parse(ctx, ct))
            .WithTrackingName(TrackingNames.Declarations)
            .Where(static declaration => declaration is not null)
            .Select(static (declaration, ct) => FormatValidator.Validate(declaration!, ct))
            .WithTrackingName(TrackingNames.Results);

        // Diagnostics and source are separate branches: the spec holds no locations, so moving a
        // format within its file re-reports its diagnostics but does not re-emit its source.
        var diagnostics = results
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (spc, diagnostics) => Report(spc, diagnostics));

        var specs = results
            .Select(static (result, _) => result.Spec)
            .Where(static spec => spec is not null)
            .WithTrackingName(TrackingNames.Specs);
        var target = context.CompilationProvider
            .Select(static (compilation, _) => EmitTargetReader.Read(compilation))
            .WithTrackingName(TrackingNames.Target);
        context.RegisterSourceOutput(specs.Combine(target), static (spc, pair) => spc.AddSource(pair.Left!.HintName, FormatEmitter.Emit(pair.Left, pair.Right)));

        var orphanViews = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                SpteAttributes.ViewMetadataName,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, _) => OrphanView(ctx))
            .WithTrackingName(TrackingNames.OrphanViews);
        context.RegisterSourceOutput(orphanViews, static (spc, diagnostics) => Report(spc, diagnostics));
    }

    /// <summary>A <c>[SpteView]</c> outside a format would silently generate nothing; say so.</summary>
    private static EquatableArray<DiagnosticInfo> OrphanView(GeneratorAttributeSyntaxContext context)
    {
        var container = context.TargetSymbol.ContainingType;
        var inFormat = container is not null
            && container.GetAttributes().Any(static a => SpteAttributes.Is(a, SpteAttributes.Format));
        if (inFormat || context.TargetNode is not TypeDeclarationSyntax node)
        {
            return EquatableArray<DiagnosticInfo>.Empty;
        }

        return new EquatableArray<DiagnosticInfo>([
            DiagnosticInfo.Create(
                DiagnosticDescriptors.MemberDeclarationInvalid,
                LocationInfo.From(node.Identifier.GetLocation()),
                context.TargetSymbol.Name,
                "is a [SpteView] but is not nested directly in a [SpteFormat] struct"),
        ]);
    }

    private static void Report(SourceProductionContext context, EquatableArray<DiagnosticInfo> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            context.ReportDiagnostic(diagnostic.ToDiagnostic());
        }
    }
}

using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Spte.Analyzers.Diagnostics;
using Spte.Analyzers.Flow;
using Spte.Analyzers.Rules;
using Spte.Analyzers.Symbols;

namespace Spte.Analyzers;

/// <summary>
/// SPTE1001–SPTE1003: raw zeros, zero-filled tables and zero-comparison presence tests where a
/// format's non-present value is required. One analyzer for the three rules so the slot data flow
/// of a method is computed once.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NonPresentAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => DiagnosticDescriptors.All;

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();

        // Generated code is the generator's own (NewTable allocates uninitialised, then fills).
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(OnCompilationStart);
    }

    private static void OnCompilationStart(CompilationStartAnalysisContext context)
    {
        if (SpteSymbols.TryCreate(context.Compilation) is not { } symbols)
        {
            return;
        }

        var model = new SpteModel(symbols);
        context.RegisterOperationBlockStartAction(block =>
        {
            var blocks = block.OperationBlocks;
            var owner = block.OwningSymbol;
            var scope = new BlockScope(model, () => SlotFlow.Compute(model, blocks, owner), owner);

            block.RegisterOperationAction(
                c => RawZeroRule.AnalyzeZeroEntry(c, scope),
                OperationKind.DefaultValue,
                OperationKind.ObjectCreation,
                OperationKind.TypeParameterObjectCreation,
                OperationKind.Invocation);
            block.RegisterOperationAction(
                c => RawZeroRule.AnalyzeRawStore(c, scope),
                OperationKind.SimpleAssignment,
                OperationKind.VariableDeclarator,
                OperationKind.FieldInitializer,
                OperationKind.PropertyInitializer,
                OperationKind.Return,
                OperationKind.YieldReturn,
                OperationKind.Argument,
                OperationKind.Invocation,
                OperationKind.DeconstructionAssignment,
                OperationKind.ArrayCreation);
            block.RegisterOperationAction(c => ZeroFilledTableRule.AnalyzeArrayCreation(c, scope), OperationKind.ArrayCreation);
            block.RegisterOperationAction(c => ZeroFilledTableRule.AnalyzeStackAlloc(c, scope), OperationKind.None);
            block.RegisterOperationAction(c => ZeroFilledTableRule.AnalyzeInvocation(c, scope), OperationKind.Invocation);
            block.RegisterOperationAction(c => PresenceTestRule.AnalyzeBinary(c, scope), OperationKind.Binary);
            block.RegisterOperationAction(c => PresenceTestRule.AnalyzeIsPattern(c, scope), OperationKind.IsPattern);
            block.RegisterOperationAction(c => PresenceTestRule.AnalyzeEquals(c, scope), OperationKind.Invocation);
        });
    }
}

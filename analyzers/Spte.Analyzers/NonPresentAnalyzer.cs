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
    /// <summary>
    /// Every operation kind a rule looks at; <see cref="Analyze"/> dispatches on the kind. Arguments
    /// are looked at from the operation that holds them (one call rather than one per argument): an
    /// invocation (constructor initializers included), an object creation, a collection expression's
    /// <c>with(…)</c> in newer compilers, and an indexer access (added only when an indexer can take
    /// a slot, as property references are as many as arguments). Not a function pointer call: its
    /// parameters cannot carry <c>[SpteSlot]</c>. C# never produces <c>IRaiseEventOperation</c>.
    /// </summary>
    private static readonly ImmutableArray<OperationKind> Kinds = ImmutableArray.Create(
        OperationKind.DefaultValue,
        OperationKind.ObjectCreation,
        OperationKind.TypeParameterObjectCreation,
        OperationKind.Invocation,
        OperationKind.CollectionExpression,
        OperationKind.SimpleAssignment,
        OperationKind.VariableDeclarator,
        OperationKind.FieldInitializer,
        OperationKind.PropertyInitializer,
        OperationKind.ParameterInitializer,
        OperationKind.Return,
        OperationKind.YieldReturn,
        OperationKind.DeconstructionAssignment,
        OperationKind.ArrayCreation,
        OperationKind.None,
        OperationKind.Binary,
        OperationKind.TupleBinary,
        OperationKind.IsPattern,
        OperationKind.Switch,
        OperationKind.SwitchExpression,
        OperationKind.CompoundAssignment,
        OperationKind.With);

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

        // One action for all kinds, registered once per compilation: a per-block start action with
        // one registration per rule made the compiler build an action table for every method and
        // call several actions per invocation. The slot flow is cached per block instead (BlockFlows).
        var model = new SpteModel(symbols);
        var flows = new BlockFlows(model, new CallSummaries(model, context.Compilation));
        var kinds = SlotIndexers.MayExist(context.Compilation, model) ? Kinds.Add(OperationKind.PropertyReference) : Kinds;
        context.RegisterOperationAction(c => Analyze(c, new BlockScope(flows, c.ContainingSymbol, c.Operation)), kinds);
    }

    private static void Analyze(OperationAnalysisContext context, BlockScope scope)
    {
        switch (context.Operation.Kind)
        {
            case OperationKind.DefaultValue:
            case OperationKind.TypeParameterObjectCreation:
                RawZeroRule.AnalyzeZeroEntry(context, scope);
                break;
            case OperationKind.ObjectCreation:
                RawZeroRule.AnalyzeZeroEntry(context, scope);
                RawZeroRule.AnalyzeRawStore(context, scope);
                break;
            case OperationKind.Invocation:
                RawZeroRule.AnalyzeZeroEntry(context, scope);
                RawZeroRule.AnalyzeRawStore(context, scope);
                ZeroFilledTableRule.AnalyzeInvocation(context, scope);
                PresenceTestRule.AnalyzeEquals(context, scope);
                PresenceTestRule.AnalyzeComparerEquals(context, scope);
                CallSummaryRule.AnalyzeCall(context, scope);
                break;
            case OperationKind.With:
                RawZeroRule.AnalyzeZeroEntry(context, scope);
                break;
            case OperationKind.Switch:
            case OperationKind.SwitchExpression:
                PresencePatternRule.AnalyzeSwitch(context, scope);
                break;
            case OperationKind.CompoundAssignment:
                RawZeroFormsRule.AnalyzeCompound(context, scope);
                break;
            case OperationKind.ArrayCreation:
                RawZeroRule.AnalyzeRawStore(context, scope);
                ZeroFilledTableRule.AnalyzeArrayCreation(context, scope);
                break;
            case OperationKind.CollectionExpression:
                RawZeroRule.AnalyzeRawStore(context, scope);
                RawZeroFormsRule.AnalyzeRawCollection(context, scope);
                break;
            case OperationKind.None:
                ZeroFilledTableRule.AnalyzeStackAlloc(context, scope);
                break;
            case OperationKind.Binary:
                PresenceTestRule.AnalyzeBinary(context, scope);
                break;
            case OperationKind.TupleBinary:
                PresenceTestRule.AnalyzeTupleBinary(context, scope);
                break;
            case OperationKind.IsPattern:
                PresencePatternRule.AnalyzeIsPattern(context, scope);
                break;
            default:
                RawZeroRule.AnalyzeRawStore(context, scope);
                break;
        }
    }
}

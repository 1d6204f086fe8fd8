using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Spte.Analyzers.Flow;
using Spte.Analyzers.Symbols;

namespace Spte.Analyzers.Rules;

/// <summary>
/// SPTE1001/SPTE1002 across methods: a call that hands a slot to a helper of the compilation that
/// writes a raw zero into it or zero-fills it, or whose returned zero (zero-filled table) is stored
/// in a slot; and SPTE1003 at a call that hands a slot value to a helper that compares it with
/// zero. Reported at the call, naming the helper (<see cref="CallSummaries"/>).
/// </summary>
internal static class CallSummaryRule
{
    public static void AnalyzeCall(OperationAnalysisContext context, BlockScope scope)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        var summaries = scope.Summaries;

        // Cheap rejections first: only calls into source with a raw argument or a raw result.
        if (summaries is null || method.MethodKind == MethodKind.DelegateInvoke || !HasSource(method))
        {
            return;
        }

        MethodSummary? summary = null;
        foreach (var argument in invocation.Arguments)
        {
            // A value passed on: the helper's summary first (cached per method), the slot data flow
            // only for the few helpers that compare (calls passing a ulong are many, helpers few).
            if (summaries.PassesValue(argument) && argument.Parameter!.RefKind is RefKind.None or RefKind.In)
            {
                summary ??= summaries.Summary(method, CallSummaries.MaxDepth, context.CancellationToken);
                var (test, testWhy) = summary.Parameter(argument.Parameter.Ordinal);
                if ((test & RawEffect.TestsZero) != 0 && scope.SlotOf(argument.Value) is { ComparisonIsWrong: true } compared)
                {
                    var message = testWhy.Replace("{0}", "its parameter '" + argument.Parameter.Name + "'");
                    context.ReportDiagnostic(Reports.PresenceThroughHelper(invocation, argument.Value, compared, CallSummaries.Name(method), message));
                }

                continue;
            }

            // A scalar passed by ref/out is a store: a local whose value later reaches a slot counts (Zap(out var e); _spt[i] = e;).
            var passed = argument.Value is IDeclarationExpressionOperation declaration ? declaration.Expression : argument.Value;
            if (!summaries.PassesLocation(argument)
                || scope.Model.Slot(argument.Parameter) is not null
                || (scope.Model.Shape(passed.Type) == RawShape.Scalar ? scope.StoreSlot(passed) : scope.SlotOf(passed)) is not { ZeroIsWrong: true } format)
            {
                continue;
            }

            summary ??= summaries.Summary(method, CallSummaries.MaxDepth, context.CancellationToken);
            var (effect, why) = summary.Parameter(argument.Parameter!.Ordinal);
            var text = why.Replace("{0}", "its parameter '" + argument.Parameter.Name + "'");
            if ((effect & RawEffect.ZeroFills) != 0)
            {
                context.ReportDiagnostic(Reports.ZeroTableThroughHelper(invocation, format, CallSummaries.Name(method), text));
            }
            else if ((effect & RawEffect.WritesZero) != 0)
            {
                context.ReportDiagnostic(Reports.ZeroThroughHelper(invocation, format, CallSummaries.Name(method), text));
            }
        }

        if (summaries.IsRaw(invocation.Type)
            && scope.Model.Slot(method) is null
            && Destinations.SlotOfSequence(invocation, scope) is { ZeroIsWrong: true } destination)
        {
            summary ??= summaries.Summary(method, CallSummaries.MaxDepth, context.CancellationToken);
            if ((summary.Returns & RawEffect.ZeroFills) != 0)
            {
                context.ReportDiagnostic(Reports.ZeroTableThroughHelper(invocation, destination, CallSummaries.Name(method), summary.ReturnWhy));
            }
            else if ((summary.Returns & RawEffect.WritesZero) != 0)
            {
                context.ReportDiagnostic(Reports.ZeroThroughHelper(invocation, destination, CallSummaries.Name(method), summary.ReturnWhy));
            }
        }
    }

    private static bool HasSource(IMethodSymbol method) =>
        !method.OriginalDefinition.DeclaringSyntaxReferences.IsEmpty
        || method.PartialImplementationPart is not null;
}

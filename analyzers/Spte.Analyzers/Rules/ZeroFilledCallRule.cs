using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Spte.Analyzers.Diagnostics;
using Spte.Analyzers.Flow;

namespace Spte.Analyzers.Rules;

/// <summary>
/// SPTE1002 on calls that make or fill a table with zeros: <c>GC.Allocate…Array</c>,
/// <c>ArrayPool&lt;T&gt;.Rent</c>, <c>Enumerable.Repeat(0UL, n)</c> and <c>Fill(0)</c>
/// (dispatched from <see cref="ZeroFilledTableRule.AnalyzeInvocation"/>).
/// </summary>
internal static class ZeroFilledCallRule
{
    public static void AnalyzeGcAllocate(OperationAnalysisContext context, IInvocationOperation invocation, BlockScope scope)
    {
        var model = scope.Model;
        if (Destinations.IsFilledRightAfter(invocation, model))
        {
            return;
        }

        var element = invocation.TargetMethod.TypeArguments[0];
        if (model.Entry(element) is { Format.ZeroIsWrong: true } entry)
        {
            // NewTable cannot pin: a pinned allocation keeps its call and is filled after it.
            var pinned = invocation.Arguments.ArgumentFor(1) is { ArgumentKind: ArgumentKind.Explicit, Value: var value }
                && !(value.ConstantValue is { HasValue: true, Value: false });
            var fix = !entry.IsView && !pinned && invocation.Arguments.ArgumentFor(0) is { } size
                ? TableFix.NewTable(size.Value)
                : ZeroFilledTableRule.FillAfter(invocation, model);
            context.ReportDiagnostic(Reports.ZeroTable(invocation, entry, fix));
        }
        else if (element.SpecialType == SpecialType.System_UInt64
            && Destinations.SlotOf(invocation, scope) is { ZeroIsWrong: true } format)
        {
            context.ReportDiagnostic(Reports.ZeroRawTable(invocation, format, ZeroFilledTableRule.FillAfter(invocation, model)));
        }
    }

    /// <summary><c>ArrayPool&lt;T&gt;.Shared.Rent(n)</c> not filled by the next statement: fresh pool arrays are zero.</summary>
    public static void AnalyzeRent(OperationAnalysisContext context, IInvocationOperation invocation, BlockScope scope)
    {
        var model = scope.Model;
        if (invocation.Type is not IArrayTypeSymbol array || Destinations.IsFilledRightAfter(invocation, model))
        {
            return;
        }

        if (model.Entry(array.ElementType) is { Format.ZeroIsWrong: true } entry)
        {
            context.ReportDiagnostic(Reports.ZeroTable(invocation, entry, ZeroFilledTableRule.FillAfter(invocation, model)));
        }
        else if (array.ElementType.SpecialType == SpecialType.System_UInt64
            && Destinations.SlotOf(invocation, scope) is { ZeroIsWrong: true } format)
        {
            context.ReportDiagnostic(Reports.ZeroRawTable(invocation, format, ZeroFilledTableRule.FillAfter(invocation, model)));
        }
    }

    /// <summary>
    /// <c>Enumerable.Repeat(0UL, n)</c> that becomes a slot table (<c>.ToArray()</c>, <c>[.. ]</c>):
    /// reported at the zero, which the fix replaces. A zero entry (<c>Repeat(default(T), n)</c>) is
    /// SPTE1001's, as any zero entry passed as an argument.
    /// </summary>
    public static void AnalyzeRepeat(OperationAnalysisContext context, IInvocationOperation invocation, BlockScope scope)
    {
        var model = scope.Model;
        if (invocation.TargetMethod.TypeArguments is not { Length: 1 } typeArguments || typeArguments[0].SpecialType != SpecialType.System_UInt64
            || invocation.Arguments.ArgumentFor(0)?.Value is not { } value
            || !ZeroValues.HasRawZero(value, model)
            || Destinations.SlotOfSequence(invocation, scope) is not { ZeroIsWrong: true } format)
        {
            return;
        }

        foreach (var leaf in ZeroValues.RawZeroLeaves(value, model))
        {
            context.ReportDiagnostic(Reports.ZeroRawTable(leaf, format, TableFix.InPlace(FixProperties.ReplaceValue)));
        }
    }

    /// <summary><c>span.Fill(default)</c>, <c>Array.Fill(a, 0)</c>: reported at the zero value, which the fix replaces.</summary>
    public static void AnalyzeFill(OperationAnalysisContext context, IInvocationOperation invocation, BlockScope scope)
    {
        var model = scope.Model;
        var (table, value) = invocation.Instance is { } instance
            ? (instance, invocation.Arguments.ArgumentFor(0)?.Value)
            : (invocation.Arguments.ArgumentFor(0)?.Value, invocation.Arguments.ArgumentFor(1)?.Value);
        if (table is null || value is null)
        {
            return;
        }

        table = table.WalkDownConversions();
        var zero = value.WalkDownConversions();
        if (model.TableElement(table.Type) is { Format.ZeroIsWrong: true } entry)
        {
            if (ZeroValues.IsZeroEntry(zero, model, out _))
            {
                context.ReportDiagnostic(Reports.ZeroTable(zero, entry, TableFix.InPlace(FixProperties.ReplaceValue)));
            }
        }
        else if (model.IsRawTable(table.Type)
            && ZeroValues.HasRawZero(value, model)
            && scope.SlotOf(table) is { ZeroIsWrong: true } format)
        {
            foreach (var leaf in ZeroValues.RawZeroLeaves(value, model))
            {
                context.ReportDiagnostic(Reports.ZeroRawTable(leaf, format, TableFix.InPlace(FixProperties.ReplaceValue)));
            }
        }
    }
}

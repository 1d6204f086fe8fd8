using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Spte.Analyzers.Diagnostics;
using Spte.Analyzers.Flow;
using Spte.Analyzers.Symbols;

namespace Spte.Analyzers.Rules;

/// <summary>
/// SPTE1002: a table of entries created or reset zero-filled. Typed tables (<c>T[]</c>,
/// <c>Span&lt;T&gt;</c>, <c>T*</c>) are recognised by type; raw <c>ulong</c> tables when they are,
/// or are stored into, a <c>[SpteSlot]</c> slot.
/// </summary>
internal static class ZeroFilledTableRule
{
    /// <summary><c>new T[n]</c>, and <c>new ulong[n]</c> stored into a slot.</summary>
    public static void AnalyzeArrayCreation(OperationAnalysisContext context, BlockScope scope)
    {
        var creation = (IArrayCreationOperation)context.Operation;
        if (creation.Initializer is not null
            || creation.Type is not IArrayTypeSymbol array
            || AllZero(creation.DimensionSizes))
        {
            return;
        }

        var model = scope.Model;
        if (Destinations.IsFilledRightAfter(creation, model))
        {
            return;
        }

        if (model.Entry(array.ElementType) is { Format.ZeroIsWrong: true } entry)
        {
            // NewTable takes an int: a long or uint size keeps its allocation and is filled after it.
            var fix = !entry.IsView && array.Rank == 1 && creation.DimensionSizes[0].Type?.SpecialType == SpecialType.System_Int32
                ? TableFix.NewTable(creation.DimensionSizes[0])
                : FillAfter(creation, model);
            context.ReportDiagnostic(Reports.ZeroTable(creation, entry, fix));
        }
        else if (array is { Rank: 1, ElementType.SpecialType: SpecialType.System_UInt64 }
            && Destinations.SlotOfSequence(creation, scope) is { ZeroIsWrong: true } format)
        {
            context.ReportDiagnostic(Reports.ZeroRawTable(creation, format, FillAfter(creation, model)));
        }
    }

    /// <summary><c>stackalloc T[n]</c>, and <c>stackalloc ulong[n]</c> stored into a slot (IOperation has no node for it: it is None).</summary>
    public static void AnalyzeStackAlloc(OperationAnalysisContext context, BlockScope scope)
    {
        var operation = context.Operation;
        if (operation.Syntax is not StackAllocArrayCreationExpressionSyntax { Initializer: null })
        {
            return;
        }

        var model = scope.Model;
        if (Destinations.IsFilledRightAfter(operation, model))
        {
            return;
        }

        var element = operation.Type switch
        {
            IPointerTypeSymbol pointer => pointer.PointedAtType,
            INamedTypeSymbol { TypeArguments.Length: 1 } span when model.Symbols.IsSpan(span) => span.TypeArguments[0],
            _ => null,
        };
        if (model.Entry(element) is { Format.ZeroIsWrong: true } entry)
        {
            context.ReportDiagnostic(Reports.ZeroTable(operation, entry, FillAfter(operation, model)));
        }
        else if (element?.SpecialType == SpecialType.System_UInt64
            && Destinations.SlotOf(operation, scope) is { ZeroIsWrong: true } format)
        {
            context.ReportDiagnostic(Reports.ZeroRawTable(operation, format, FillAfter(operation, model)));
        }
    }

    /// <summary>The zero-filling calls: GC allocation, <c>Array.Clear</c>, <c>Span.Clear</c>, <c>Fill(0)</c>, native memory.</summary>
    public static void AnalyzeInvocation(OperationAnalysisContext context, BlockScope scope)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        var symbols = scope.Model.Symbols;
        if (KnownMethods.IsGcAllocate(method, symbols))
        {
            ZeroFilledCallRule.AnalyzeGcAllocate(context, invocation, scope);
        }
        else if (KnownMethods.IsArrayClear(method, symbols))
        {
            var fix = method.Parameters.Length is 1 or 3 ? TableFix.InPlace(FixProperties.ArrayFill) : TableFix.None;
            ReportTable(context, invocation, invocation.Arguments.ArgumentFor(0)?.Value, scope, fix);
        }
        else if (KnownMethods.IsSpanClear(method, symbols))
        {
            ReportTable(context, invocation, invocation.Instance, scope, TableFix.InPlace(FixProperties.SpanFill));
        }
        else if (KnownMethods.IsFill(method, symbols))
        {
            ZeroFilledCallRule.AnalyzeFill(context, invocation, scope);
        }
        else if (KnownMethods.IsNativeClear(method, symbols))
        {
            ReportTable(context, invocation, invocation.Arguments.ArgumentFor(0)?.Value, scope, TableFix.None);
        }
        else if (KnownMethods.IsArrayResize(method, symbols))
        {
            // The grown tail is zero; no rewrite keeps Resize's semantics in one expression.
            ReportTable(context, invocation, invocation.Arguments.ArgumentFor(0)?.Value, scope, TableFix.None);
        }
        else if (KnownMethods.IsInitBlock(method, symbols))
        {
            if (invocation.Arguments.ArgumentFor(1)?.Value is { } fill && fill.IsZeroConstant())
            {
                ReportTable(context, invocation, invocation.Arguments.ArgumentFor(0)?.Value, scope, TableFix.None);
            }
        }
        else if (KnownMethods.IsPoolRent(method, symbols))
        {
            ZeroFilledCallRule.AnalyzeRent(context, invocation, scope);
        }
        else if (KnownMethods.IsRepeat(method, symbols))
        {
            ZeroFilledCallRule.AnalyzeRepeat(context, invocation, scope);
        }
        else if (KnownMethods.IsNativeAllocZeroed(method, symbols))
        {
            if (Destinations.TypedPointer(invocation, scope.Model) is { Format.ZeroIsWrong: true } entry)
            {
                context.ReportDiagnostic(Reports.ZeroTable(invocation, entry, TableFix.None));
            }
            else if (Destinations.SlotOf(invocation, scope) is { ZeroIsWrong: true } format)
            {
                context.ReportDiagnostic(Reports.ZeroRawTable(invocation, format, TableFix.None));
            }
        }
    }

    /// <summary>A clearing call on <paramref name="table"/>: reported when it is a typed table or a raw slot table.</summary>
    private static void ReportTable(OperationAnalysisContext context, IInvocationOperation invocation, IOperation? table, BlockScope scope, TableFix fix)
    {
        if (table is null)
        {
            return;
        }

        table = table.WalkDownConversions();
        var model = scope.Model;
        if (model.TableElement(table.Type) is { Format.ZeroIsWrong: true } entry)
        {
            context.ReportDiagnostic(Reports.ZeroTable(invocation, entry, fix));
        }
        else if (model.IsRawTable(table.Type) && scope.SlotOf(table) is { ZeroIsWrong: true } format)
        {
            context.ReportDiagnostic(Reports.ZeroRawTable(invocation, format, fix));
        }
    }

    /// <summary>Whether every size is a constant 0 (an empty table: nothing to fill).</summary>
    private static bool AllZero(ImmutableArray<IOperation> sizes)
    {
        foreach (var size in sizes)
        {
            if (!size.IsZeroConstant())
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A fill after the statement that stores <paramref name="creation"/>, where one can go.</summary>
    internal static TableFix FillAfter(IOperation creation, SpteModel model) =>
        Destinations.FillTarget(creation, model) is var (variable, kind) ? TableFix.FillAfter(variable, kind) : TableFix.None;
}

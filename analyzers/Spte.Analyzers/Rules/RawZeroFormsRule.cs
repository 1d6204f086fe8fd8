using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Spte.Analyzers.Flow;
using Spte.Analyzers.Symbols;

namespace Spte.Analyzers.Rules;

/// <summary>
/// SPTE1001 on whole-value forms of a raw slot: compound assignments that leave it zero whatever it
/// held, collection expressions of zero elements stored as a slot table, and deconstructions.
/// </summary>
internal static class RawZeroFormsRule
{
    /// <summary>
    /// <c>slot &amp;= 0</c>, <c>slot *= 0</c>, <c>slot ^= slot</c>, <c>slot -= slot</c>: a compound
    /// assignment whose result is zero whatever the slot held. The fix writes <c>slot = T.NonPresentValue</c>.
    /// </summary>
    public static void AnalyzeCompound(OperationAnalysisContext context, BlockScope scope)
    {
        var compound = (ICompoundAssignmentOperation)context.Operation;
        if (scope.Model.Shape(compound.Target.Type) != RawShape.Scalar || !ZeroesTarget(compound))
        {
            return;
        }

        if (scope.SlotOf(compound.Target) is { ZeroIsWrong: true } format)
        {
            context.ReportDiagnostic(Reports.ZeroCompound(compound, format));
        }
    }

    private static bool ZeroesTarget(ICompoundAssignmentOperation compound)
    {
        var value = compound.Value.WalkDownConversions();
        switch (compound.OperatorKind)
        {
            case BinaryOperatorKind.And or BinaryOperatorKind.Multiply:
                return value.IsZeroConstant();
            case BinaryOperatorKind.ExclusiveOr or BinaryOperatorKind.Subtract:
                // The same side-effect-free location on both sides: x ^= x, a[i] -= a[i].
                return IsPlainReference(compound.Target)
                    && IsPlainReference(value)
                    && SyntaxFactoryEquivalent(compound.Target, value);
            default:
                return false;
        }
    }

    private static bool IsPlainReference(IOperation operation) => operation switch
    {
        ILocalReferenceOperation or IParameterReferenceOperation => true,
        IFieldReferenceOperation field => field.Instance is null or IInstanceReferenceOperation || IsPlainReference(field.Instance),
        IArrayElementReferenceOperation element => IsPlainReference(element.ArrayReference) && element.Indices.All(i => i.ConstantValue.HasValue || IsPlainReference(i)),
        _ => false,
    };

    private static bool SyntaxFactoryEquivalent(IOperation left, IOperation right) =>
        left.Syntax.IsEquivalentTo(right.Syntax, topLevel: false);

    /// <summary>
    /// A collection expression stored as a raw slot table: <c>[0, 0]</c> reports each zero element;
    /// <c>[.. zeros]</c> is reported where <c>zeros</c> is made (SPTE1002, <see cref="ZeroFilledTableRule"/>).
    /// </summary>
    public static void AnalyzeRawCollection(OperationAnalysisContext context, BlockScope scope)
    {
        var collection = (ICollectionExpressionOperation)context.Operation;
        var model = scope.Model;
        if (!model.IsRawTable(collection.Type))
        {
            return;
        }

        var any = false;
        foreach (var element in collection.Elements)
        {
            any |= element is not ISpreadOperation && ZeroValues.HasRawZero(element, model);
        }

        if (any && Destinations.SlotOf(collection, scope) is { ZeroIsWrong: true } format)
        {
            foreach (var element in collection.Elements)
            {
                if (element is not ISpreadOperation)
                {
                    RawZeroRule.Check(context, format, element, model);
                }
            }
        }
    }

    /// <summary><c>(a, b) = (0, x)</c>: each zero element stored into a raw slot, nested tuples included.</summary>
    public static void CheckDeconstruction(OperationAnalysisContext context, IOperation target, ITupleOperation value, BlockScope scope)
    {
        if (target is IDeclarationExpressionOperation declaration)
        {
            target = declaration.Expression;
        }

        if (target is not ITupleOperation targets || targets.Elements.Length != value.Elements.Length)
        {
            return;
        }

        for (var i = 0; i < targets.Elements.Length; i++)
        {
            var element = targets.Elements[i];
            if (value.Elements[i].WalkDownConversions() is ITupleOperation nested)
            {
                CheckDeconstruction(context, element, nested, scope);
            }
            else if (scope.Model.Shape(element.Type) == RawShape.Scalar && ZeroValues.HasRawZero(value.Elements[i], scope.Model))
            {
                RawZeroRule.Check(context, scope.StoreSlot(element), value.Elements[i], scope.Model);
            }
        }
    }
}

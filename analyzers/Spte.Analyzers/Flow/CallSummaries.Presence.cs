using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Spte.Analyzers.Rules;
using Spte.Analyzers.Symbols;

namespace Spte.Analyzers.Flow;

/// <summary>
/// Presence tests inside helpers: a parameter compared with zero (<c>e == 0</c>, <c>e != 0</c>,
/// <c>e &gt; 0</c>, <c>e is 0</c>, <c>e is not 0</c>, <c>e == T.Zero</c>), so a slot value passed to it is
/// tested by comparison at the call (SPTE1003).
/// </summary>
internal sealed partial class CallSummaries
{
    /// <summary>Whether the callee compares the caller's value: a raw scalar (or a type parameter) passed in any way, not marked.</summary>
    public bool PassesValue(IArgumentOperation argument) =>
        argument.Parameter is { } parameter && IsCompared(parameter);

    private bool IsCompared(IParameterSymbol parameter) =>
        _model.Slot(parameter) is null
        && (_model.Shape(parameter.Type) == RawShape.Scalar || IsGenericValue(parameter.Type));

    /// <summary><c>e == 0</c>, <c>0 != e</c>, <c>e &gt; 0</c>, <c>0 &lt; e</c> on a parameter.</summary>
    private void VisitComparison(IBinaryOperation binary, (RawEffect Effect, string Why)[] effects)
    {
        var (parameter, other) = (binary.LeftOperand.WalkDownConversions(), binary.RightOperand);
        if (parameter is not IParameterReferenceOperation)
        {
            (parameter, other) = (binary.RightOperand.WalkDownConversions(), binary.LeftOperand);
        }

        var zeroSide = binary.OperatorKind switch
        {
            BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals => other,
            BinaryOperatorKind.GreaterThan => binary.RightOperand,
            BinaryOperatorKind.LessThan => binary.LeftOperand,
            _ => null,
        };
        if (parameter is IParameterReferenceOperation reference && zeroSide == other && IsZero(other))
        {
            AddTest(effects, reference.Parameter, "compares {0} with zero (" + binary.Syntax + ")");
        }
    }

    /// <summary><c>e is 0</c>, <c>e is not 0</c>, <c>e is &gt; 0</c> on a parameter.</summary>
    private void VisitPatternTest(IIsPatternOperation test, (RawEffect Effect, string Why)[] effects)
    {
        var pattern = test.Pattern is INegatedPatternOperation negated ? negated.Pattern : test.Pattern;
        var zero = pattern switch
        {
            IConstantPatternOperation constant => constant.Value,
            IRelationalPatternOperation { OperatorKind: BinaryOperatorKind.GreaterThan } relational => relational.Value,
            _ => null,
        };
        if (test.Value.WalkDownConversions() is IParameterReferenceOperation reference && zero is not null && IsZero(zero))
        {
            AddTest(effects, reference.Parameter, "compares {0} with zero (" + test.Syntax + ")");
        }
    }

    /// <summary>A constant 0, or <c>T.Zero</c> / <c>default(T)</c> in a generic helper.</summary>
    private bool IsZero(IOperation operation) =>
        operation.IsZeroConstant()
        || (operation.WalkDownConversions() is IPropertyReferenceOperation or IDefaultValueOperation && ZeroValues.HasRawZero(operation, _model));

    private void AddTest((RawEffect Effect, string Why)[] effects, IParameterSymbol parameter, string why)
    {
        if (parameter.Ordinal < effects.Length && IsCompared(parameter))
        {
            var (known, knownWhy) = effects[parameter.Ordinal];
            effects[parameter.Ordinal] = (known | RawEffect.TestsZero, knownWhy.Length > 0 ? knownWhy : why);
        }
    }
}

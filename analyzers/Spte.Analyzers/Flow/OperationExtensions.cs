using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Spte.Analyzers.Flow;

/// <summary>Small IOperation walks shared by the rules.</summary>
internal static class OperationExtensions
{
    /// <summary>The operand under any conversions (<c>(ulong)x</c>, implicit widening, boxing).</summary>
    public static IOperation WalkDownConversions(this IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    /// <summary>
    /// Climbs from a value to the expression whose value it becomes: through conversions, the
    /// branches of <c>?:</c>, the arms of a switch expression and the right side of <c>??</c>.
    /// So in <c>x = c ? default : y</c> the <c>default</c> reaches the assignment.
    /// </summary>
    public static IOperation ClimbToConsumer(this IOperation operation)
    {
        while (operation.Parent is { } parent)
        {
            var passesThrough = parent switch
            {
                IConversionOperation => true,
                IConditionalOperation conditional => conditional.Condition != operation,
                ISwitchExpressionArmOperation arm => arm.Value == operation,
                ISwitchExpressionOperation switchExpression => switchExpression.Value != operation,
                ICoalesceOperation coalesce => coalesce.WhenNull == operation,
                _ => false,
            };
            if (!passesThrough)
            {
                break;
            }

            operation = parent;
        }

        return operation;
    }

    /// <summary>
    /// The function a <c>return</c> belongs to: the innermost lambda or local function, else the
    /// block's owner (a property's getter stands for the property, which carries the attributes).
    /// </summary>
    public static ISymbol? EnclosingFunction(this IOperation operation, ISymbol owner)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case IAnonymousFunctionOperation lambda:
                    return lambda.Symbol;
                case ILocalFunctionOperation localFunction:
                    return localFunction.Symbol;
            }
        }

        return owner is IMethodSymbol { MethodKind: MethodKind.PropertyGet, AssociatedSymbol: { } property } ? property : owner;
    }

    /// <summary>The argument bound to the parameter at <paramref name="ordinal"/>, if any.</summary>
    public static IArgumentOperation? ArgumentFor(this System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments, int ordinal)
    {
        foreach (var argument in arguments)
        {
            if (argument.Parameter?.Ordinal == ordinal)
            {
                return argument;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="operation"/> is an integral constant equal to zero.</summary>
    public static bool IsZeroConstant(this IOperation operation) =>
        TryGetIntegralConstant(operation, out var value) && value == 0;

    /// <summary>An integral constant as the 64 raw bits it stands for (negative values are not entries).</summary>
    public static bool TryGetIntegralConstant(this IOperation operation, out ulong value)
    {
        value = 0;
        if (!operation.ConstantValue.HasValue)
        {
            return false;
        }

        switch (operation.ConstantValue.Value)
        {
            case ulong u: value = u; return true;
            case uint u: value = u; return true;
            case ushort u: value = u; return true;
            case byte u: value = u; return true;
            case char c: value = c; return true;
            case long l when l >= 0: value = (ulong)l; return true;
            case int i when i >= 0: value = (ulong)i; return true;
            case short s when s >= 0: value = (ulong)s; return true;
            case sbyte s when s >= 0: value = (ulong)s; return true;
            default: return false;
        }
    }
}

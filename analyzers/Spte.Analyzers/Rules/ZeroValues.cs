using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Spte.Analyzers.Flow;
using Spte.Analyzers.Symbols;

namespace Spte.Analyzers.Rules;

/// <summary>What counts as a zero entry, a zero raw value, and the non-present value.</summary>
internal static class ZeroValues
{
    /// <summary>
    /// Whether <paramref name="operation"/> is a zero entry of <paramref name="entry"/>: <c>default</c>,
    /// <c>new T()</c> (the implicit parameterless constructor), or <c>T.FromRaw(c)</c> with a constant
    /// <c>c</c> that folds to 0; also through a conversion from a zero view.
    /// </summary>
    public static bool IsZeroEntry(IOperation operation, SpteModel model, out EntryType? entry)
    {
        entry = null;

        // The shape of the operation first (no symbol lookup): most calls are not FromRaw(0).
        switch (operation.Kind)
        {
            case OperationKind.DefaultValue:
            case OperationKind.TypeParameterObjectCreation:
            case OperationKind.ObjectCreation:
            case OperationKind.Conversion:
                break;
            case OperationKind.Invocation when operation is IInvocationOperation { Arguments.Length: 1 } call && call.Arguments[0].Value.IsZeroConstant():
                break;
            default:
                return false;
        }

        entry = model.Entry(operation.Type);
        if (entry is null)
        {
            return false;
        }

        switch (operation)
        {
            case IDefaultValueOperation:
            case ITypeParameterObjectCreationOperation:
                return true;
            case IObjectCreationOperation creation:
                return (creation.Constructor is null || creation.Constructor is { Parameters.Length: 0, IsImplicitlyDeclared: true })
                    && (creation.Initializer is null || creation.Initializer.Initializers.Length == 0);
            case IInvocationOperation invocation:
                return EntryType.IsMember(invocation.TargetMethod, entry.FromRaw)
                    && invocation.Arguments.Length == 1
                    && invocation.Arguments[0].Value.IsZeroConstant();
            case IConversionOperation conversion:
                return IsZeroEntry(conversion.Operand, model, out _);
            default:
                return false;
        }
    }

    /// <summary>Whether <paramref name="operation"/> reads <c>T.NonPresent</c> of <paramref name="format"/>.</summary>
    public static bool IsNonPresentEntry(IOperation operation, FormatInfo format) =>
        operation.WalkDownConversions() switch
        {
            IPropertyReferenceOperation property => EntryType.IsMember(property.Property, format.NonPresent),
            IFieldReferenceOperation field => EntryType.IsMember(field.Field, format.NonPresent),
            _ => false,
        };

    /// <summary>
    /// Whether <paramref name="operation"/> is the raw value of an empty entry of <paramref name="format"/>:
    /// a constant 0, a constant equal to its non-present value, or <c>T.NonPresentValue</c> of a type parameter.
    /// </summary>
    public static bool IsEmptyRaw(IOperation operation, FormatInfo format, SpteModel model, out bool isZero)
    {
        isZero = false;
        if (operation.TryGetIntegralConstant(out var value))
        {
            isZero = value == 0;
            return isZero || format.IsNonPresentValue(value);
        }

        return operation.WalkDownConversions() is IPropertyReferenceOperation property
            && EntryType.IsMember(property.Property, model.Symbols.SpteNonPresentValue);
    }

    /// <summary>
    /// Whether <see cref="IsEmptyRaw"/> can hold for some format: a constant or <c>T.NonPresentValue</c>.
    /// The test to make before looking up the slot (and data flow) of the other side of a comparison.
    /// </summary>
    public static bool MayBeEmptyRaw(IOperation operation, SpteModel model) =>
        operation.TryGetIntegralConstant(out _)
        || (operation.WalkDownConversions() is IPropertyReferenceOperation property
            && EntryType.IsMember(property.Property, model.Symbols.SpteNonPresentValue));

    /// <summary>
    /// Whether <see cref="RawZeroLeaves"/> finds any zero part: the cheap test to make before looking
    /// up a slot. The same walk without an enumerator, as it runs on nearly every <c>ulong</c> store.
    /// </summary>
    public static bool HasRawZero(IOperation value, SpteModel model)
    {
        if (value.IsZeroConstant())
        {
            return true;
        }

        switch (value)
        {
            case IConversionOperation conversion:
                return HasRawZero(conversion.Operand, model);
            case IConditionalOperation conditional:
                return HasRawZero(conditional.WhenTrue, model) || (conditional.WhenFalse is { } whenFalse && HasRawZero(whenFalse, model));
            case ISwitchExpressionOperation switchExpression:
                foreach (var arm in switchExpression.Arms)
                {
                    if (HasRawZero(arm.Value, model))
                    {
                        return true;
                    }
                }

                return false;
            case IPropertyReferenceOperation { Instance: { } instance } property:
                return model.Entry(instance.Type) is { } entry
                    && EntryType.IsMember(property.Property, entry.Raw)
                    && IsZeroEntry(instance.WalkDownConversions(), model, out _);
            default:
                return false;
        }
    }

    /// <summary>
    /// The parts of a value written to a raw slot that are zero: the value itself when it is a
    /// constant 0, else the zero branches of <c>?:</c> and switch expressions, and <c>x.Raw</c> of a
    /// zero entry. A cast <c>(ulong)0</c> is one leaf; an implicit widening of <c>0</c> is its literal.
    /// </summary>
    public static IEnumerable<IOperation> RawZeroLeaves(IOperation value, SpteModel model)
    {
        if (value.IsZeroConstant())
        {
            yield return value;
            yield break;
        }

        switch (value)
        {
            case IConversionOperation conversion:
                foreach (var leaf in RawZeroLeaves(conversion.Operand, model))
                {
                    yield return leaf;
                }

                break;
            case IConditionalOperation conditional:
                foreach (var leaf in RawZeroLeaves(conditional.WhenTrue, model))
                {
                    yield return leaf;
                }

                if (conditional.WhenFalse is { } whenFalse)
                {
                    foreach (var leaf in RawZeroLeaves(whenFalse, model))
                    {
                        yield return leaf;
                    }
                }

                break;
            case ISwitchExpressionOperation switchExpression:
                foreach (var arm in switchExpression.Arms)
                {
                    foreach (var leaf in RawZeroLeaves(arm.Value, model))
                    {
                        yield return leaf;
                    }
                }

                break;
            case IPropertyReferenceOperation { Instance: { } instance } property
                when model.Entry(instance.Type) is { } entry
                && EntryType.IsMember(property.Property, entry.Raw)
                && IsZeroEntry(instance.WalkDownConversions(), model, out _):
                yield return value;
                break;
        }
    }
}

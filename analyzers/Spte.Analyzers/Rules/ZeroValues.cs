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
            case OperationKind.With:
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
            case IWithOperation with:
                // default(T) with { }: a copy of a zero entry that sets nothing.
                return with.Initializer.Initializers.Length == 0 && IsZeroEntry(with.Operand.WalkDownConversions(), model, out _);
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
    /// a constant 0, a constant equal to its non-present value, <c>T.NonPresentValue</c> of a type parameter, or <c>T.NonPresent.Raw</c>.
    /// </summary>
    public static bool IsEmptyRaw(IOperation operation, FormatInfo format, SpteModel model, out bool isZero)
    {
        isZero = false;
        if (operation.TryGetIntegralConstant(out var value))
        {
            isZero = value == 0;
            return isZero || format.IsNonPresentValue(value);
        }

        return (operation.WalkDownConversions() is IPropertyReferenceOperation property
            && EntryType.IsMember(property.Property, model.Symbols.SpteNonPresentValue))
            || IsNonPresentRawRead(operation, format, model);
    }

    /// <summary>
    /// <c>T.NonPresent.Raw</c>: the raw value of the non-present entry of <paramref name="format"/>,
    /// or of a type parameter's format (<c>ISpte&lt;T&gt;.NonPresent</c>).
    /// </summary>
    private static bool IsNonPresentRawRead(IOperation operation, FormatInfo? format, SpteModel model) =>
        operation.WalkDownConversions() is IPropertyReferenceOperation { Instance: { } instance } raw
        && (EntryType.IsMember(raw.Property, model.Symbols.SpteRaw) || EntryType.IsMember(raw.Property, model.Entry(instance.Type)?.Raw))
        && ((format is not null && IsNonPresentEntry(instance, format))
            || (instance.WalkDownConversions() is IPropertyReferenceOperation nonPresent
                && EntryType.IsMember(nonPresent.Property, model.Symbols.SpteNonPresent)));

    /// <summary>
    /// Whether <see cref="IsEmptyRaw"/> can hold for some format: a constant or <c>T.NonPresentValue</c>.
    /// The test to make before looking up the slot (and data flow) of the other side of a comparison.
    /// </summary>
    public static bool MayBeEmptyRaw(IOperation operation, SpteModel model) =>
        operation.TryGetIntegralConstant(out _)
        || (operation.WalkDownConversions() is IPropertyReferenceOperation property
            && (EntryType.IsMember(property.Property, model.Symbols.SpteNonPresentValue)
                || (property.Instance is { } instance && model.Entry(instance.Type) is { } owner && IsNonPresentRawRead(operation, owner.Format, model))
                || IsNonPresentRawRead(operation, null, model)));

    /// <summary>
    /// Whether <see cref="RawZeroLeaves"/> finds any zero part: the cheap test to make before looking
    /// up a slot. It runs on nearly every <c>ulong</c> store, so it stops at the first part and allocates nothing.
    /// </summary>
    public static bool HasRawZero(IOperation value, SpteModel model) => FindRawZeros(value, model, leaves: null);

    /// <summary>
    /// The parts of a value written to a raw slot that are zero: the value itself when it is a
    /// constant 0, else the zero branches of <c>?:</c> and switch expressions, and <c>x.Raw</c> of a
    /// zero entry. A cast <c>(ulong)0</c> is one leaf; an implicit widening of <c>0</c> is its literal.
    /// </summary>
    public static IReadOnlyList<IOperation> RawZeroLeaves(IOperation value, SpteModel model)
    {
        var leaves = new List<IOperation>();
        FindRawZeros(value, model, leaves);
        return leaves;
    }

    /// <summary>
    /// The walk behind <see cref="HasRawZero"/> and <see cref="RawZeroLeaves"/>: whether
    /// <paramref name="value"/> has a zero part. Without <paramref name="leaves"/> it stops at the first
    /// one; with it, it visits every branch and adds each zero part in source order.
    /// </summary>
    private static bool FindRawZeros(IOperation value, SpteModel model, List<IOperation>? leaves)
    {
        if (value.IsZeroConstant())
        {
            return Found(value, leaves);
        }

        switch (value)
        {
            case IConversionOperation conversion:
                return FindRawZeros(conversion.Operand, model, leaves);
            case IConditionalOperation conditional:
                var inTrue = FindRawZeros(conditional.WhenTrue, model, leaves);
                if (inTrue && leaves is null)
                {
                    return true;
                }

                return (conditional.WhenFalse is { } whenFalse && FindRawZeros(whenFalse, model, leaves)) || inTrue;
            case ISwitchExpressionOperation switchExpression:
                var any = false;
                foreach (var arm in switchExpression.Arms)
                {
                    if (FindRawZeros(arm.Value, model, leaves))
                    {
                        if (leaves is null)
                        {
                            return true;
                        }

                        any = true;
                    }
                }

                return any;
            case IPropertyReferenceOperation { Instance: null } zero when IsGenericMathZero(zero.Property):
                // T.Zero / T.AdditiveIdentity in a helper over INumberBase<T>: 0 when called with ulong.
                return Found(value, leaves);
            case IDefaultValueOperation { Type: ITypeParameterSymbol } when model.Entry(value.Type) is null:
                // default(T) in a helper over any T: 0 when called with ulong.
                return Found(value, leaves);
            case IPropertyReferenceOperation { Instance: { } instance } property
                when model.Entry(instance.Type) is { } entry
                && EntryType.IsMember(property.Property, entry.Raw)
                && IsZeroEntry(instance.WalkDownConversions(), model, out _):
                return Found(value, leaves);
            default:
                return false;
        }
    }

    /// <summary><c>INumberBase&lt;T&gt;.Zero</c> or <c>IAdditiveIdentity&lt;T, T&gt;.AdditiveIdentity</c>.</summary>
    private static bool IsGenericMathZero(IPropertySymbol property) =>
        property is { IsStatic: true, Name: "Zero" or "AdditiveIdentity", ContainingType: { } type }
        && type.Name is "INumberBase" or "IAdditiveIdentity"
        && type.ContainingNamespace is { Name: "Numerics", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

    private static bool Found(IOperation leaf, List<IOperation>? leaves)
    {
        leaves?.Add(leaf);
        return true;
    }
}

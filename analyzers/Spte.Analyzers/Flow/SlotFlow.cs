using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Spte.Analyzers.Symbols;

namespace Spte.Analyzers.Flow;

/// <summary>
/// Which expressions of one operation block (a method body with its lambdas and local functions,
/// or an initializer) denote <c>[SpteSlot]</c> slots, and of which format.
/// <para>
/// An expression is a slot when it is a marked field, property, parameter or method result; the
/// <c>Raw</c> of an entry; an element of a slot table (<c>a[i]</c>, <c>span[i]</c>, <c>*p</c>,
/// <c>p[i]</c>); derived from a slot table (<c>p + k</c>, <c>&amp;a[i]</c>, <c>new Span&lt;ulong&gt;(p, n)</c>,
/// <c>a.AsSpan()</c>, <c>s.Slice(…)</c>, <c>m.Span</c>, <c>fixed</c>, conversions, <c>?:</c>); or a
/// local that is a slot.
/// </para>
/// <para>
/// A local of a raw shape is a slot of format T when, anywhere in the block, it is initialised or
/// assigned (also by <c>ref</c>, by deconstruction or as a <c>foreach</c> variable) from a slot of
/// T, or its value (or a pointer or span derived from it) is stored into a slot of T, returned from a
/// <c>[return: SpteSlot]</c> function or passed to a <c>[SpteSlot]</c> parameter. This is
/// flow-insensitive and runs to a fixed point, so chains of locals are followed in any order. A
/// local that meets two formats is dropped (ambiguous), and a <c>ulong</c> local changed by
/// compound assignment or <c>++</c>/<c>--</c> is not a slot: it holds arithmetic on an entry (a
/// masked field, a shifted PFN), not an entry.
/// </para>
/// <para>
/// A value <c>ulong</c> local (not <c>ref</c>) is a copy, not the slot it was read from: a zero
/// stored into it becomes a zero entry only if the local's value reaches a slot in turn (stored,
/// returned or passed as one, directly or through other locals). <see cref="StoreSlot"/> answers
/// for stores; <see cref="LocalSlot"/> still counts copies, which presence tests need.
/// </para>
/// </summary>
internal sealed partial class SlotFlow
{
    private const int MaxDepth = 32;
    private const int MaxIterations = 16;

    private readonly SpteModel _model;
    private readonly Dictionary<ILocalSymbol, FormatInfo?> _locals = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ILocalSymbol> _arithmetic = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ILocalSymbol> _reachesSlot = new(SymbolEqualityComparer.Default);

    private readonly Func<ILocalSymbol, FormatInfo?> _localSlot;

    private SlotFlow(SpteModel model)
    {
        _model = model;
        _localSlot = LocalSlot;
    }

    /// <summary>A flow with no locals: follows slot expressions, asking for locals elsewhere (<see cref="BlockFlows"/>).</summary>
    public static SlotFlow Empty(SpteModel model) => new(model);

    /// <summary>Computes the local slots of the blocks.</summary>
    public static SlotFlow Compute(SpteModel model, ImmutableArray<IOperation> blocks, ISymbol owner)
    {
        var flow = new SlotFlow(model);
        flow.Solve(blocks, owner);
        return flow;
    }

    /// <summary>The format of the slot <paramref name="operation"/> denotes, if it is one.</summary>
    public FormatInfo? SlotOf(IOperation? operation) => SlotOf(operation, _localSlot);

    /// <summary>
    /// <see cref="SlotOf(IOperation?)"/> with the slots of locals taken from <paramref name="localSlot"/>,
    /// which is called only when the expression reaches a local.
    /// </summary>
    public FormatInfo? SlotOf(IOperation? operation, Func<ILocalSymbol, FormatInfo?> localSlot)
    {
        for (var depth = 0; operation is not null && depth < MaxDepth; depth++)
        {
            switch (operation)
            {
                case IFieldReferenceOperation field:
                    return _model.Slot(field.Field);
                case IParameterReferenceOperation parameter:
                    return _model.Slot(parameter.Parameter);
                case ILocalReferenceOperation local:
                    return localSlot(local.Local);
                case IInvocationOperation invocation when _model.Slot(invocation.TargetMethod) is { } returned:
                    return returned;
                case IInvocationOperation invocation when Retyped(invocation) is { } retyped:
                    return retyped;
                case IPropertyReferenceOperation property when _model.Slot(property.Property) is { } marked:
                    return marked;
                case IPropertyReferenceOperation { Instance: { } instance } property
                    when _model.Entry(instance.Type) is { } entry && EntryType.IsMember(property.Property, entry.Raw):
                    return entry.Format;
                case IConditionalOperation conditional:
                    return Combine(SlotOf(conditional.WhenTrue, localSlot), SlotOf(conditional.WhenFalse, localSlot));
            }

            operation = DerivedFrom(operation);
        }

        return null;
    }

    /// <summary>
    /// <c>MemoryMarshal.Cast&lt;T, ulong&gt;(table)</c>, <c>Unsafe.As&lt;T[], ulong[]&gt;(table)</c>,
    /// <c>Unsafe.As&lt;T, ulong&gt;(ref entry)</c>: typed entries of a format seen as raw values.
    /// </summary>
    private FormatInfo? Retyped(IInvocationOperation invocation)
    {
        if (_model.Shape(invocation.Type) == RawShape.None
            || !Rules.KnownMethods.IsRetype(invocation.TargetMethod, _model.Symbols)
            || invocation.Arguments.ArgumentFor(0)?.Value.WalkDownConversions().Type is not { } source)
        {
            return null;
        }

        return (_model.Entry(source) ?? _model.TableElement(source))?.Format;
    }

    /// <summary>The format of the slot local <paramref name="local"/>, if it is one.</summary>
    public FormatInfo? LocalSlot(ILocalSymbol local) =>
        _locals.TryGetValue(local, out var format) ? format : null;

    /// <summary>
    /// The format a value stored into <paramref name="local"/> ends up as an entry of: the local's
    /// slot, except for a value <c>ulong</c> local whose value never reaches a slot (a copy of an
    /// entry used as a number: <c>ulong best = 0; … if (_spt[i] &gt; best) best = _spt[i];</c>).
    /// </summary>
    public FormatInfo? StoreSlot(ILocalSymbol local) =>
        local.RefKind == RefKind.None && _model.Shape(local.Type) == RawShape.Scalar && !_reachesSlot.Contains(local)
            ? null
            : LocalSlot(local);

    /// <summary>
    /// The operand a raw value's slot-ness comes from (<c>p</c> in <c>p + 1</c>, <c>a</c> in
    /// <c>&amp;a[i]</c>), or null when <paramref name="operation"/> is not derived from another value.
    /// </summary>
    private IOperation? DerivedFrom(IOperation operation)
    {
        switch (operation)
        {
            case IConversionOperation conversion:
                // Keep scalar with scalar and table with table: (ulong)p is an address, not an entry.
                var from = _model.Shape(conversion.Operand.Type);
                var to = operation.Type is IPointerTypeSymbol ? RawShape.Pointer : _model.Shape(operation.Type);
                return from != RawShape.None && to != RawShape.None && (from == RawShape.Scalar) == (to == RawShape.Scalar)
                    ? conversion.Operand
                    : null;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract, Type: IPointerTypeSymbol } arithmetic:
                return arithmetic.LeftOperand.Type is IPointerTypeSymbol ? arithmetic.LeftOperand : arithmetic.RightOperand;
            case IIncrementOrDecrementOperation { Type: IPointerTypeSymbol } step:
                return step.Target;
            case ICompoundAssignmentOperation { Type: IPointerTypeSymbol } step:
                return step.Target;
            case IAddressOfOperation address:
                return address.Reference;
            case IArrayElementReferenceOperation element:
                return element.ArrayReference;
            case IPropertyReferenceOperation { Instance: { } instance } property
                when _model.IsRawTable(instance.Type) && (property.Property.IsIndexer || _model.Shape(property.Type) != RawShape.None):
                // span[i], memory.Span
                return instance;
            case IInvocationOperation invocation:
                return TableReceiver(invocation);
            case IObjectCreationOperation { Arguments.Length: > 0 } creation when _model.IsRawTable(creation.Type):
                // new Span<ulong>(p, n), new Span<ulong>(array), new Memory<ulong>(array, start, length)
                return creation.Arguments.ArgumentFor(0)?.Value;
            case { Kind: OperationKind.None }:
                // IOperation has no node for *p, p[i], or the array-to-pointer conversion of fixed:
                // they surface as None with the pointer (or array) as first child.
                var first = operation.ChildOperations.FirstOrDefault();
                return first is not null && _model.Shape(operation.Type) != RawShape.None && _model.IsRawTable(first.Type) ? first : null;
            default:
                return null;
        }
    }

    /// <summary>
    /// For a call that returns a raw table or a <c>ref ulong</c>, the table it is called on:
    /// <c>a.AsSpan()</c>, <c>s.Slice(1)</c>, <c>MemoryMarshal.GetReference(s)</c>.
    /// </summary>
    private IOperation? TableReceiver(IInvocationOperation invocation)
    {
        var returnsEntries = _model.IsRawTable(invocation.Type)
            || (invocation.TargetMethod.ReturnsByRef && _model.Shape(invocation.Type) == RawShape.Scalar);
        if (!returnsEntries)
        {
            return null;
        }

        var receiver = invocation.Instance ?? invocation.Arguments.ArgumentFor(0)?.Value;
        return receiver is not null && (_model.IsRawTable(receiver.Type) || receiver.WalkDownConversions() is { } inner && _model.IsRawTable(inner.Type))
            ? receiver
            : null;
    }

    /// <summary>The local a stored value comes from, through derivations (<c>t</c> in <c>t + 1</c>).</summary>
    private ILocalSymbol? RootLocal(IOperation? operation)
    {
        for (var depth = 0; operation is not null && depth < MaxDepth; depth++)
        {
            if (operation is ILocalReferenceOperation local)
            {
                return local.Local;
            }

            operation = DerivedFrom(operation);
        }

        return null;
    }
}

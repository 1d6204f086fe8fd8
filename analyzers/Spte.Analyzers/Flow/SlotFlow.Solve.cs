using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Spte.Analyzers.Symbols;

namespace Spte.Analyzers.Flow;

/// <summary>Solving a block's slot flow: collecting the locals' sources and sinks, to a fixed point.</summary>
internal sealed partial class SlotFlow
{
    private void Solve(ImmutableArray<IOperation> blocks, ISymbol owner)
    {
        var assigned = new List<(ILocalSymbol Local, IOperation Value)>();
        var elements = new List<(ILocalSymbol Local, IOperation Collection)>();
        var stored = new List<(IOperation? Target, FormatInfo? Format, IOperation Value)>();
        foreach (var block in blocks)
        {
            foreach (var operation in block.DescendantsAndSelf())
            {
                Collect(operation, owner, assigned, elements, stored);
            }
        }

        if (assigned.Count == 0 && elements.Count == 0)
        {
            return;
        }

        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            var changed = false;
            foreach (var (local, value) in assigned)
            {
                changed |= Merge(local, SlotOf(value));
                if (LocalSlot(local) is { } format)
                {
                    changed |= Merge(RootLocal(value), format);

                    // Through a ref local the value lands in the slot; through a value local only if that one reaches a slot.
                    if (local.RefKind != RefKind.None || _reachesSlot.Contains(local))
                    {
                        changed |= ReachesSlot(RootLocal(value));
                    }
                }
            }

            foreach (var (local, collection) in elements)
            {
                changed |= Merge(local, SlotOf(collection));
            }

            foreach (var (target, format, value) in stored)
            {
                var slot = format ?? SlotOf(target);
                changed |= Merge(RootLocal(value), slot);
                if (slot is not null)
                {
                    changed |= ReachesSlot(RootLocal(value));
                }
            }

            if (!changed)
            {
                break;
            }
        }
    }

    private void Collect(
        IOperation operation,
        ISymbol owner,
        List<(ILocalSymbol, IOperation)> assigned,
        List<(ILocalSymbol, IOperation)> elements,
        List<(IOperation?, FormatInfo?, IOperation)> stored)
    {
        switch (operation)
        {
            case IVariableDeclaratorOperation { Initializer: { } initializer } declarator when IsCandidate(declarator.Symbol):
                assigned.Add((declarator.Symbol, initializer.Value));
                break;
            case ISimpleAssignmentOperation assignment:
                AddAssignment(assignment.Target, assignment.Value, assigned, stored);
                break;
            case IDeconstructionAssignmentOperation deconstruction
                when deconstruction.Value.WalkDownConversions() is ITupleOperation value:
                AddDeconstruction(deconstruction.Target, value, assigned, stored);
                break;
            case IForEachLoopOperation { LoopControlVariable: IVariableDeclaratorOperation variable } loop when IsCandidate(variable.Symbol):
                elements.Add((variable.Symbol, loop.Collection.WalkDownConversions()));
                break;
            case ICompoundAssignmentOperation { Target: ILocalReferenceOperation local }:
                MarkArithmetic(local.Local);
                break;
            case IIncrementOrDecrementOperation { Target: ILocalReferenceOperation local }:
                MarkArithmetic(local.Local);
                break;
            case IReturnOperation { ReturnedValue: { } returned } when _model.Slot(operation.EnclosingFunction(owner)) is { } format:
                stored.Add((null, format, returned));
                break;
            case IArgumentOperation { Parameter: { } parameter } argument when _model.Slot(parameter) is { } format:
                stored.Add((null, format, argument.Value));
                break;
        }
    }

    private void AddAssignment(
        IOperation target,
        IOperation value,
        List<(ILocalSymbol, IOperation)> assigned,
        List<(IOperation?, FormatInfo?, IOperation)> stored)
    {
        if (target is ILocalReferenceOperation local)
        {
            if (IsCandidate(local.Local))
            {
                assigned.Add((local.Local, value));
            }
        }
        else
        {
            stored.Add((target, null, value));
        }
    }

    private void AddDeconstruction(
        IOperation target,
        ITupleOperation value,
        List<(ILocalSymbol, IOperation)> assigned,
        List<(IOperation?, FormatInfo?, IOperation)> stored)
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
            var element = value.Elements[i].WalkDownConversions();
            if (element is ITupleOperation nested)
            {
                AddDeconstruction(targets.Elements[i], nested, assigned, stored);
            }
            else
            {
                AddAssignment(targets.Elements[i], value.Elements[i], assigned, stored);
            }
        }
    }

    private void MarkArithmetic(ILocalSymbol local)
    {
        if (_model.Shape(local.Type) == RawShape.Scalar)
        {
            _arithmetic.Add(local);
        }
    }

    private bool ReachesSlot(ILocalSymbol? local) => local is not null && _reachesSlot.Add(local);

    private bool IsCandidate(ILocalSymbol local) => _model.Shape(local.Type) != RawShape.None;

    private bool Merge(ILocalSymbol? local, FormatInfo? format)
    {
        if (local is null || format is null || !IsCandidate(local) || _arithmetic.Contains(local))
        {
            return false;
        }

        if (!_locals.TryGetValue(local, out var known))
        {
            _locals[local] = format;
            return true;
        }

        if (known is null || SymbolEqualityComparer.Default.Equals(known.Type, format.Type))
        {
            return false;
        }

        // Two formats: ambiguous, so the local is no slot at all.
        _locals[local] = null;
        return true;
    }

    private static FormatInfo? Combine(FormatInfo? first, FormatInfo? second) =>
        first is null ? second
        : second is null || SymbolEqualityComparer.Default.Equals(first.Type, second.Type) ? first
        : null;
}

using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Spte.Analyzers.Symbols;

namespace Spte.Analyzers.Flow;

/// <summary>
/// The slot flow of each operation block of a compilation, computed at most once per block and
/// only when a rule needs a local's slot. Keyed by the block's root operation, which the compiler
/// creates once per block and drops after analysis, so the table holds nothing alive.
/// </summary>
internal sealed class BlockFlows
{
    private readonly ConditionalWeakTable<IOperation, SlotFlow> _flows = new();

    public BlockFlows(SpteModel model, CallSummaries? summaries)
    {
        Model = model;
        Summaries = summaries;
        Paths = SlotFlow.Empty(model);
    }

    public SpteModel Model { get; }

    /// <summary>The compilation's helper summaries (null when inter-procedural analysis is off).</summary>
    public CallSummaries? Summaries { get; }

    /// <summary>A flow with no locals: follows the derivations of a slot expression that reaches no local.</summary>
    private SlotFlow Paths { get; }

    /// <summary>The slot flow of the block <paramref name="operation"/> belongs to.</summary>
    public SlotFlow Flow(IOperation operation, ISymbol owner)
    {
        var root = operation;
        while (root.Parent is { } parent)
        {
            root = parent;
        }

        // Locals live in one block, so the flow of the block's root is the flow the locals of
        // operation take part in. The callback allocates: only on the first lookup of a block.
        return _flows.TryGetValue(root, out var flow)
            ? flow
            : _flows.GetValue(root, block => SlotFlow.Compute(Model, ImmutableArray.Create(block), owner));
    }

    /// <summary>
    /// <see cref="SlotFlow.SlotOf(IOperation?)"/> of the block <paramref name="anchor"/> belongs
    /// to, without computing the block's flow unless the expression reaches a local.
    /// </summary>
    public FormatInfo? SlotOf(IOperation? operation, IOperation anchor, ISymbol owner) =>
        Paths.SlotOf(operation, local => Flow(anchor, owner).LocalSlot(local));
}

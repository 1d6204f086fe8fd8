using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Spte.Analyzers.Symbols;

namespace Spte.Analyzers.Flow;

/// <summary>
/// What the rules share about the operation being analysed: the model, the symbol that owns its
/// operation block, and the block's slot flow, computed on first need only (most blocks never store
/// a zero into a raw local). A value passed down by the one operation action, so it costs nothing
/// on the path that rejects an operation.
/// </summary>
internal readonly struct BlockScope
{
    private readonly BlockFlows _flows;
    private readonly IOperation _operation;

    public BlockScope(BlockFlows flows, ISymbol owner, IOperation operation)
    {
        _flows = flows;
        Owner = owner;
        _operation = operation;
    }

    public SpteModel Model => _flows.Model;

    /// <summary>The compilation's helper summaries, if inter-procedural analysis is on.</summary>
    public CallSummaries? Summaries => _flows.Summaries;

    /// <summary>The symbol that owns the block (method, field, property).</summary>
    public ISymbol Owner { get; }

    /// <summary>
    /// The format of the slot <paramref name="operation"/> denotes, if it is one. The block's data
    /// flow is computed only when the answer depends on a local (<c>_table[i]</c> needs none).
    /// </summary>
    public FormatInfo? SlotOf(IOperation? operation) => _flows.SlotOf(operation, _operation, Owner);

    /// <summary>The format of the slot local <paramref name="local"/>, if it is one.</summary>
    public FormatInfo? LocalSlot(ILocalSymbol local) => _flows.Flow(_operation, Owner).LocalSlot(local);

    /// <summary>The format a value stored into <paramref name="target"/> becomes an entry of (<see cref="SlotFlow.StoreSlot"/> for a local).</summary>
    public FormatInfo? StoreSlot(IOperation target) =>
        target is ILocalReferenceOperation local ? StoreSlot(local.Local) : SlotOf(target);

    /// <summary>The format a value stored into <paramref name="local"/> becomes an entry of.</summary>
    public FormatInfo? StoreSlot(ILocalSymbol local) => _flows.Flow(_operation, Owner).StoreSlot(local);
}

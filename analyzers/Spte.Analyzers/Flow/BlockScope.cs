using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Spte.Analyzers.Symbols;

namespace Spte.Analyzers.Flow;

/// <summary>What the rules share within one operation block: the model and the block's slot flow.</summary>
internal sealed class BlockScope
{
    private readonly Lazy<SlotFlow> _flow;

    public BlockScope(SpteModel model, Func<SlotFlow> computeFlow, ISymbol owner)
    {
        Model = model;
        Owner = owner;

        // Computed on first need only: most blocks never touch a raw slot.
        _flow = new Lazy<SlotFlow>(computeFlow, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public SpteModel Model { get; }

    /// <summary>The symbol that owns the block (method, field, property).</summary>
    public ISymbol Owner { get; }

    public SlotFlow Flow => _flow.Value;
}

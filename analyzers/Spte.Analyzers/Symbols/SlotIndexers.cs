using Microsoft.CodeAnalysis;

namespace Spte.Analyzers.Symbols;

/// <summary>
/// Whether an indexer of the compilation may take a raw slot argument (a <c>[SpteSlot]</c>
/// <c>ulong</c> parameter). Indexer accesses are property references, about as many as arguments,
/// so the analyzer looks at them only when one can.
/// </summary>
internal static class SlotIndexers
{
    public static bool MayExist(Compilation compilation, SpteModel model)
    {
        if (model.Symbols.SlotAttribute is not { } slot)
        {
            return false;
        }

        // Source indexers by name: the declaration table answers without binding other members.
        foreach (var symbol in compilation.GetSymbolsWithName(WellKnownMemberNames.Indexer, SymbolFilter.Member))
        {
            if (symbol is IPropertySymbol { IsIndexer: true } indexer && TakesSlot(indexer, model))
            {
                return true;
            }
        }

        // Referenced indexers are not enumerated: any assembly built against the attribute's own
        // may declare one (the annotations themselves declare no indexer).
        var annotations = slot.ContainingAssembly;
        foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
        {
            if (!SymbolEqualityComparer.Default.Equals(assembly, annotations) && References(assembly, annotations.Identity.Name))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TakesSlot(IPropertySymbol indexer, SpteModel model)
    {
        foreach (var parameter in indexer.Parameters)
        {
            if (parameter is { RefKind: RefKind.None or RefKind.In, Type.SpecialType: SpecialType.System_UInt64 } && model.Slot(parameter) is not null)
            {
                return true;
            }
        }

        return false;
    }

    private static bool References(IAssemblySymbol assembly, string name)
    {
        foreach (var module in assembly.Modules)
        {
            foreach (var reference in module.ReferencedAssemblies)
            {
                if (reference.Name == name)
                {
                    return true;
                }
            }
        }

        return false;
    }
}

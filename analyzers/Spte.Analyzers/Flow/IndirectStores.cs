using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Spte.Analyzers.Flow;

/// <summary>
/// Stores that reach a slot one step removed from the value: a tuple element deconstructed into a
/// target, and a local whose only use is to be spread into collection expressions.
/// </summary>
internal static class IndirectStores
{
    /// <summary>
    /// In <c>(target0, target1) = (value0, value1)</c>, the target <paramref name="element"/> (a value
    /// of <paramref name="tuple"/>) is deconstructed into; null when the tuple is not deconstructed.
    /// </summary>
    public static IOperation? DeconstructedInto(ITupleOperation tuple, IOperation element)
    {
        var index = tuple.Elements.IndexOf(element);
        IOperation source = tuple;
        while (source.Parent is IConversionOperation conversion)
        {
            source = conversion;
        }

        if (index < 0 || source.Parent is not IDeconstructionAssignmentOperation deconstruction || deconstruction.Value != source)
        {
            return null;
        }

        var target = deconstruction.Target is IDeclarationExpressionOperation declaration ? declaration.Expression : deconstruction.Target;
        return target is ITupleOperation targets && targets.Elements.Length == tuple.Elements.Length ? targets.Elements[index] : null;
    }

    /// <summary>
    /// The collection expression <paramref name="local"/> is spread into, when that is all the block
    /// does with it (<c>var zeros = new ulong[n]; _spt = [.. zeros];</c>): the local's elements are
    /// then exactly what it was made with. Null when it is read, written or spread anywhere else.
    /// </summary>
    public static ICollectionExpressionOperation? OnlySpreadInto(ILocalSymbol local, IOperation anywhereInBlock)
    {
        var root = anywhereInBlock;
        while (root.Parent is { } parent)
        {
            root = parent;
        }

        ICollectionExpressionOperation? into = null;
        foreach (var operation in root.Descendants())
        {
            if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                continue;
            }

            IOperation use = reference;
            while (use.Parent is IConversionOperation conversion)
            {
                use = conversion;
            }

            if (into is not null || use.Parent is not ISpreadOperation { Parent: ICollectionExpressionOperation collection })
            {
                return null;
            }

            into = collection;
        }

        return into;
    }
}

using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Spte.Analyzers.Symbols;

/// <summary>
/// Per-compilation knowledge: which types are entries of which format, which symbols are
/// <c>[SpteSlot]</c> slots, and the raw shapes. Caches are concurrent: operation actions run in
/// parallel (<c>EnableConcurrentExecution</c>).
/// </summary>
internal sealed class SpteModel
{
    private readonly ConcurrentDictionary<ITypeSymbol, EntryType?> _entries = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<ISymbol, FormatInfo?> _slots = new(SymbolEqualityComparer.Default);

    public SpteModel(SpteSymbols symbols) => Symbols = symbols;

    public SpteSymbols Symbols { get; }

    /// <summary>The entry type <paramref name="type"/> is, if any.</summary>
    /// <remarks>
    /// Entries are structs or type parameters, never special types (<c>ulong</c>, <c>bool</c>, …):
    /// that test rejects most types without hashing a symbol into the cache.
    /// </remarks>
    public EntryType? Entry(ITypeSymbol? type) =>
        type is null or IErrorTypeSymbol
            || type.SpecialType != SpecialType.None
            || type.TypeKind is not (TypeKind.Struct or TypeKind.TypeParameter)
            ? null
            : _entries.GetOrAdd(type, ClassifyEntry);

    /// <summary>
    /// The format whose entries a <c>[SpteSlot(typeof(T))]</c> symbol holds (fields, properties,
    /// parameters, and <c>[return: SpteSlot]</c> on methods), if it is one and of a raw shape.
    /// </summary>
    /// <remarks>A symbol whose type has no raw shape is no slot: that test comes before the cache.</remarks>
    public FormatInfo? Slot(ISymbol? symbol) =>
        symbol is null || Symbols.SlotAttribute is null || Shape(SlotType(symbol)) == RawShape.None
            ? null
            : _slots.GetOrAdd(symbol, ClassifySlot);

    /// <summary>The raw shape of <paramref name="type"/>.</summary>
    public RawShape Shape(ITypeSymbol? type) => type switch
    {
        { SpecialType: SpecialType.System_UInt64 } => RawShape.Scalar,
        IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_UInt64 } => RawShape.Array,
        IPointerTypeSymbol { PointedAtType.SpecialType: SpecialType.System_UInt64 } => RawShape.Pointer,
        INamedTypeSymbol { TypeArguments.Length: 1 } named when named.TypeArguments[0].SpecialType == SpecialType.System_UInt64 && Symbols.IsSpan(named) => RawShape.Span,
        INamedTypeSymbol { TypeArguments.Length: 1 } named when named.TypeArguments[0].SpecialType == SpecialType.System_UInt64 && Symbols.IsMemory(named) => RawShape.Memory,
        _ => RawShape.None,
    };

    /// <summary>Whether <paramref name="type"/> is a raw table shape (array, pointer, span, memory).</summary>
    public bool IsRawTable(ITypeSymbol? type) => Shape(type) is not (RawShape.None or RawShape.Scalar);

    /// <summary>The entry type of a typed table: <c>T[]</c>, <c>T*</c>, <c>Span&lt;T&gt;</c>, <c>Memory&lt;T&gt;</c>.</summary>
    public EntryType? TableElement(ITypeSymbol? type) => type switch
    {
        IArrayTypeSymbol array => Entry(array.ElementType),
        IPointerTypeSymbol pointer => Entry(pointer.PointedAtType),
        INamedTypeSymbol { TypeArguments.Length: 1 } named when Symbols.IsSpan(named) || Symbols.IsMemory(named) => Entry(named.TypeArguments[0]),
        _ => null,
    };

    private EntryType? ClassifyEntry(ITypeSymbol type)
    {
        switch (type)
        {
            case ITypeParameterSymbol parameter when IsSelfConstrainedSpte(parameter):
                return new EntryType(parameter, FormatInfo.ForTypeParameter(parameter, Symbols), isView: false);
            case INamedTypeSymbol { TypeKind: TypeKind.Struct } named:
                foreach (var attribute in named.GetAttributes())
                {
                    if (SpteSymbols.Is(attribute.AttributeClass, Symbols.FormatAttribute))
                    {
                        return new EntryType(named, FormatInfo.ForFormat(named, attribute, Symbols.SpecialValueAttribute), isView: false);
                    }

                    if (SpteSymbols.Is(attribute.AttributeClass, Symbols.ViewAttribute)
                        && Entry(named.ContainingType) is { IsView: false } container)
                    {
                        return new EntryType(named, container.Format, isView: true);
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>
    /// Whether <c>ISpte&lt;P&gt;</c> (P being <paramref name="parameter"/> itself) is among P's
    /// constraints: directly (<c>where P : ISpte&lt;P&gt;</c>), through an interface that derives
    /// from it (<c>where P : ITdpSpte&lt;P&gt;</c> with <c>ITdpSpte&lt;T&gt; : ISpte&lt;T&gt;</c>),
    /// or through another type parameter's constraints (<c>where P : TFormat</c>,
    /// <c>where TFormat : ISpte&lt;P&gt;</c>) — what the compiler calls P's effective interface set.
    /// </summary>
    private bool IsSelfConstrainedSpte(ITypeParameterSymbol parameter)
    {
        var visited = new HashSet<ITypeParameterSymbol>(SymbolEqualityComparer.Default);
        var pending = new Stack<ITypeParameterSymbol>();
        pending.Push(parameter);
        while (pending.Count > 0)
        {
            // Constraint cycles are compile errors (CS0454), but half-typed code has them: visit each once.
            var current = pending.Pop();
            if (!visited.Add(current))
            {
                continue;
            }

            foreach (var constraint in current.ConstraintTypes)
            {
                if (constraint is ITypeParameterSymbol other)
                {
                    pending.Push(other);
                }
                else if (constraint is INamedTypeSymbol named
                    && (IsSpteOf(named, parameter) || named.AllInterfaces.Any(i => IsSpteOf(i, parameter))))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="type"/> is <c>ISpte&lt;<paramref name="self"/>&gt;</c>.</summary>
    private bool IsSpteOf(INamedTypeSymbol type, ITypeParameterSymbol self) =>
        type.TypeArguments.Length == 1
        && SpteSymbols.Is(type.OriginalDefinition, Symbols.Spte)
        && SymbolEqualityComparer.Default.Equals(type.TypeArguments[0], self);

    /// <summary>The type of the value a slot symbol holds: a method's return type, else the symbol's type.</summary>
    private static ITypeSymbol? SlotType(ISymbol symbol) => symbol switch
    {
        IMethodSymbol method => method.ReturnType,
        IFieldSymbol field => field.Type,
        IPropertySymbol property => property.Type,
        IParameterSymbol parameter => parameter.Type,
        _ => null,
    };

    private FormatInfo? ClassifySlot(ISymbol symbol)
    {
        // Slot has checked the shape of the symbol's type.
        var attributes = symbol is IMethodSymbol method ? method.GetReturnTypeAttributes() : symbol.GetAttributes();
        foreach (var attribute in attributes)
        {
            if (SpteSymbols.Is(attribute.AttributeClass, Symbols.SlotAttribute)
                && attribute.ConstructorArguments.Length == 1
                && Entry(attribute.ConstructorArguments[0].Value as ITypeSymbol) is { IsView: false } entry)
            {
                return entry.Format;
            }
        }

        return null;
    }
}

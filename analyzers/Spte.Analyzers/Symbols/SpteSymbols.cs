using System.Linq;
using Microsoft.CodeAnalysis;

namespace Spte.Analyzers.Symbols;

/// <summary>
/// The symbols the rules compare against, resolved once per compilation. Everything after this
/// is symbol comparison; names are used only to pick members of these resolved types.
/// </summary>
internal sealed class SpteSymbols
{
    private SpteSymbols(Compilation compilation, INamedTypeSymbol formatAttribute)
    {
        FormatAttribute = formatAttribute;
        SlotAttribute = compilation.GetBestTypeByMetadataName("Spte.SpteSlotAttribute");
        ViewAttribute = compilation.GetBestTypeByMetadataName("Spte.SpteViewAttribute");
        SpecialValueAttribute = compilation.GetBestTypeByMetadataName("Spte.SpecialValueAttribute");
        Spte = compilation.GetBestTypeByMetadataName("Spte.ISpte`1");
        SpteFromRaw = Member<IMethodSymbol>(Spte, "FromRaw");
        SpteNonPresent = Member<IPropertySymbol>(Spte, "NonPresent");
        SpteNonPresentValue = Member<IPropertySymbol>(Spte, "NonPresentValue");
        SpteRaw = Member<IPropertySymbol>(Spte, "Raw");

        Array = compilation.GetSpecialType(SpecialType.System_Array);
        Span = compilation.GetBestTypeByMetadataName("System.Span`1");
        ReadOnlySpan = compilation.GetBestTypeByMetadataName("System.ReadOnlySpan`1");
        Memory = compilation.GetBestTypeByMetadataName("System.Memory`1");
        ReadOnlyMemory = compilation.GetBestTypeByMetadataName("System.ReadOnlyMemory`1");
        Interlocked = compilation.GetBestTypeByMetadataName("System.Threading.Interlocked");
        Volatile = compilation.GetBestTypeByMetadataName("System.Threading.Volatile");
        GC = compilation.GetBestTypeByMetadataName("System.GC");
        NativeMemory = compilation.GetBestTypeByMetadataName("System.Runtime.InteropServices.NativeMemory");
        MemoryExtensions = compilation.GetBestTypeByMetadataName("System.MemoryExtensions");
        EqualityComparer = compilation.GetBestTypeByMetadataName("System.Collections.Generic.EqualityComparer`1");
        IEqualityComparer = compilation.GetBestTypeByMetadataName("System.Collections.Generic.IEqualityComparer`1");
        MemoryMarshal = compilation.GetBestTypeByMetadataName("System.Runtime.InteropServices.MemoryMarshal");
        Unsafe = compilation.GetBestTypeByMetadataName("System.Runtime.CompilerServices.Unsafe");
        ArrayPool = compilation.GetBestTypeByMetadataName("System.Buffers.ArrayPool`1");
        Enumerable = compilation.GetBestTypeByMetadataName("System.Linq.Enumerable");
    }

    public INamedTypeSymbol? EqualityComparer { get; }

    public INamedTypeSymbol? IEqualityComparer { get; }

    public INamedTypeSymbol? MemoryMarshal { get; }

    public INamedTypeSymbol? Unsafe { get; }

    public INamedTypeSymbol? ArrayPool { get; }

    public INamedTypeSymbol? Enumerable { get; }

    public INamedTypeSymbol FormatAttribute { get; }

    public INamedTypeSymbol? SlotAttribute { get; }

    public INamedTypeSymbol? ViewAttribute { get; }

    public INamedTypeSymbol? SpecialValueAttribute { get; }

    /// <summary><c>Spte.ISpte&lt;T&gt;</c>: a type parameter <c>T</c> constrained to it (directly or not) is an entry of an unknown format.</summary>
    public INamedTypeSymbol? Spte { get; }

    public IMethodSymbol? SpteFromRaw { get; }

    public IPropertySymbol? SpteNonPresent { get; }

    public IPropertySymbol? SpteNonPresentValue { get; }

    public IPropertySymbol? SpteRaw { get; }

    public INamedTypeSymbol Array { get; }

    public INamedTypeSymbol? Span { get; }

    public INamedTypeSymbol? ReadOnlySpan { get; }

    public INamedTypeSymbol? Memory { get; }

    public INamedTypeSymbol? ReadOnlyMemory { get; }

    public INamedTypeSymbol? Interlocked { get; }

    public INamedTypeSymbol? Volatile { get; }

    public INamedTypeSymbol? GC { get; }

    public INamedTypeSymbol? NativeMemory { get; }

    public INamedTypeSymbol? MemoryExtensions { get; }

    /// <summary>The symbols, or null when the compilation does not reference Spte.Annotations (nothing to check).</summary>
    public static SpteSymbols? TryCreate(Compilation compilation) =>
        compilation.GetBestTypeByMetadataName("Spte.SpteFormatAttribute") is { } format
            ? new SpteSymbols(compilation, format)
            : null;

    /// <summary>Whether <paramref name="type"/> is <c>Span&lt;X&gt;</c> or <c>ReadOnlySpan&lt;X&gt;</c>.</summary>
    public bool IsSpan(ITypeSymbol? type) =>
        type is INamedTypeSymbol { IsGenericType: true } named
        && (Is(named.OriginalDefinition, Span) || Is(named.OriginalDefinition, ReadOnlySpan));

    /// <summary>Whether <paramref name="type"/> is <c>Memory&lt;X&gt;</c> or <c>ReadOnlyMemory&lt;X&gt;</c>.</summary>
    public bool IsMemory(ITypeSymbol? type) =>
        type is INamedTypeSymbol { IsGenericType: true } named
        && (Is(named.OriginalDefinition, Memory) || Is(named.OriginalDefinition, ReadOnlyMemory));

    public static bool Is(ISymbol? symbol, ISymbol? other) =>
        symbol is not null && other is not null && SymbolEqualityComparer.Default.Equals(symbol, other);

    private static T? Member<T>(INamedTypeSymbol? type, string name)
        where T : class, ISymbol =>
        type?.GetMembers(name).OfType<T>().FirstOrDefault();
}

using Microsoft.CodeAnalysis;
using Spte.Analyzers.Symbols;

namespace Spte.Analyzers.Rules;

/// <summary>The BCL methods the rules know, matched by their resolved containing type, then by name.</summary>
internal static class KnownMethods
{
    /// <summary><c>Span&lt;T&gt;.Fill(value)</c> or <c>Array.Fill(array, value[, start, count])</c>.</summary>
    public static bool IsFill(IMethodSymbol method, SpteSymbols symbols) =>
        method.Name == "Fill"
        && (symbols.IsSpan(method.ContainingType) || SpteSymbols.Is(method.ContainingType, symbols.Array));

    /// <summary>
    /// <c>array.AsSpan()</c> (also called as <c>MemoryExtensions.AsSpan(array)</c>): a span over the
    /// whole array, unlike <c>AsSpan(start)</c> or <c>AsSpan(start, length)</c>.
    /// </summary>
    public static bool IsWholeArrayAsSpan(IMethodSymbol method, SpteSymbols symbols) =>
        method.Name == "AsSpan"
        && method.Parameters.Length == 1
        && method.Parameters[0].Type is IArrayTypeSymbol
        && SpteSymbols.Is(method.ContainingType, symbols.MemoryExtensions);

    /// <summary><c>new Span&lt;T&gt;(array)</c>: a span over the whole array.</summary>
    public static bool IsWholeArraySpanConstructor(IMethodSymbol? constructor, SpteSymbols symbols) =>
        constructor is { Parameters.Length: 1 }
        && constructor.Parameters[0].Type is IArrayTypeSymbol
        && symbols.IsSpan(constructor.ContainingType);

    /// <summary><c>Span&lt;T&gt;.Clear()</c>.</summary>
    public static bool IsSpanClear(IMethodSymbol method, SpteSymbols symbols) =>
        method.Name == "Clear" && !method.IsStatic && symbols.IsSpan(method.ContainingType);

    /// <summary><c>Array.Clear(array[, index, length])</c>.</summary>
    public static bool IsArrayClear(IMethodSymbol method, SpteSymbols symbols) =>
        method.Name == "Clear" && SpteSymbols.Is(method.ContainingType, symbols.Array);

    /// <summary><c>GC.AllocateUninitializedArray&lt;T&gt;</c> and <c>GC.AllocateArray&lt;T&gt;</c>.</summary>
    public static bool IsGcAllocate(IMethodSymbol method, SpteSymbols symbols) =>
        method.Name is "AllocateUninitializedArray" or "AllocateArray"
        && method.TypeArguments.Length == 1
        && SpteSymbols.Is(method.ContainingType, symbols.GC);

    /// <summary><c>NativeMemory.AllocZeroed</c>.</summary>
    public static bool IsNativeAllocZeroed(IMethodSymbol method, SpteSymbols symbols) =>
        method.Name == "AllocZeroed" && SpteSymbols.Is(method.ContainingType, symbols.NativeMemory);

    /// <summary><c>NativeMemory.Clear</c>.</summary>
    public static bool IsNativeClear(IMethodSymbol method, SpteSymbols symbols) =>
        method.Name == "Clear" && SpteSymbols.Is(method.ContainingType, symbols.NativeMemory);

    /// <summary>
    /// <c>Interlocked.Exchange</c>/<c>CompareExchange</c> and <c>Volatile.Write</c>: the first
    /// (<c>ref</c>) argument is the location, the others are written to it or compared with it.
    /// </summary>
    public static bool IsExchange(IMethodSymbol method, SpteSymbols symbols) =>
        method.Parameters.Length > 0
        && method.Parameters[0].RefKind == RefKind.Ref
        && ((method.Name is "Exchange" or "CompareExchange" && SpteSymbols.Is(method.ContainingType, symbols.Interlocked))
            || (method.Name == "Write" && SpteSymbols.Is(method.ContainingType, symbols.Volatile)));

    /// <summary><c>entry.Equals(other)</c> with <c>other</c> of the entry's own type.</summary>
    public static bool IsEntryEquals(IMethodSymbol method, ITypeSymbol? receiverType) =>
        method.Name == "Equals"
        && !method.IsStatic
        && method.Parameters.Length == 1
        && SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, receiverType);

    /// <summary><c>Array.Resize&lt;T&gt;(ref a, n)</c>: the new elements are zero.</summary>
    public static bool IsArrayResize(IMethodSymbol method, SpteSymbols symbols) =>
        method.Name == "Resize" && SpteSymbols.Is(method.ContainingType, symbols.Array);

    /// <summary><c>Unsafe.InitBlock</c> / <c>Unsafe.InitBlockUnaligned</c>.</summary>
    public static bool IsInitBlock(IMethodSymbol method, SpteSymbols symbols) =>
        method.Name is "InitBlock" or "InitBlockUnaligned" && SpteSymbols.Is(method.ContainingType, symbols.Unsafe);

    /// <summary><c>ArrayPool&lt;T&gt;.Rent(n)</c>: a table whose contents are whatever the pool held (zeros when fresh).</summary>
    public static bool IsPoolRent(IMethodSymbol method, SpteSymbols symbols) =>
        method.Name == "Rent" && method.ContainingType is { } type && SpteSymbols.Is(type.OriginalDefinition, symbols.ArrayPool);

    /// <summary><c>Enumerable.Repeat(value, n)</c>.</summary>
    public static bool IsRepeat(IMethodSymbol method, SpteSymbols symbols) =>
        method.Name == "Repeat" && SpteSymbols.Is(method.ContainingType, symbols.Enumerable);

    /// <summary>
    /// <c>MemoryMarshal.Cast&lt;TFrom, TTo&gt;</c> and <c>Unsafe.As&lt;TFrom, TTo&gt;</c>: the same
    /// memory re-typed, so a raw view of a typed table is a slot of its format.
    /// </summary>
    public static bool IsRetype(IMethodSymbol method, SpteSymbols symbols) =>
        method.TypeArguments.Length == 2
        && ((method.Name == "Cast" && SpteSymbols.Is(method.ContainingType, symbols.MemoryMarshal))
            || (method.Name == "As" && SpteSymbols.Is(method.ContainingType, symbols.Unsafe)));

    /// <summary><c>ToArray()</c>, <c>ToList()</c>, <c>AsSpan()</c> and the like called as extensions on a sequence: the same elements.</summary>
    public static bool IsMaterialise(IMethodSymbol method) =>
        method.IsExtensionMethod && method.Name is "ToArray" or "ToList" or "AsSpan" or "AsMemory" or "ToImmutableArray";
}

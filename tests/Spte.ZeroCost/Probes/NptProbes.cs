using System.Runtime.CompilerServices;

namespace Spte.ZeroCost;

/// <summary>One out-of-line probe per generated <see cref="NptSpte"/> member kind; the twins are in <see cref="NptIdioms"/>.</summary>
public static class NptProbes
{
    /// <summary>Bit 0.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool PagePresent(NptSpte spte) => spte.PagePresent;

    /// <summary>Bit 63.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool NoExecute(NptSpte spte) => spte.NoExecute;

    /// <summary>The present test.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool IsPresent(NptSpte spte) => spte.IsPresent;

    /// <summary>Equality with the frozen value.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool IsFrozen(NptSpte spte) => spte.IsFrozen;

    /// <summary>The same equality through the operator and the static.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    [Twins("IsFrozen")]
    public static bool EqualsFrozen(NptSpte spte) => spte == NptSpte.Frozen;

    /// <summary>The non-present entry (0 here).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static NptSpte NonPresent() => NptSpte.NonPresent;

    /// <summary>A 40-bit run.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Pfn(NptSpte spte) => spte.Pfn;

    /// <summary>A ushort-backed enum run.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ProtectionKey Key(NptSpte.Leaf spte) => spte.Key;

    /// <summary>A field split over two runs.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static uint Generation(NptSpte.Mmio spte) => spte.Generation;

    /// <summary>Bit 1 replaced.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static NptSpte WithWritable(NptSpte spte, bool value) => spte.WithWritable(value);

    /// <summary>Bit 63 replaced.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static NptSpte WithNoExecute(NptSpte spte, bool value) => spte.WithNoExecute(value);

    /// <summary>A run replaced, range-checked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static NptSpte WithPfn(NptSpte spte, ulong pfn) => spte.WithPfn(pfn);

    /// <summary>A ushort enum run replaced, range-checked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static NptSpte.Leaf WithKey(NptSpte.Leaf spte, ProtectionKey key) => spte.WithKey(key);

    /// <summary>A ushort enum run replaced by a constant.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static NptSpte.Leaf WithKeyInRange(NptSpte.Leaf spte) => spte.WithKey(ProtectionKey.Last);

    /// <summary>A split field replaced, range-checked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static NptSpte.Mmio WithGeneration(NptSpte.Mmio spte, uint generation) => spte.WithGeneration(generation);

    /// <summary>Two bits set and a run replaced in one chain.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static NptSpte WithChain(NptSpte spte, ulong pfn) => spte.WithPagePresent(true).WithWritable(true).WithPfn(pfn);

    /// <summary>A view's field read after converting from the format.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    [Twins("Key")]
    public static ProtectionKey AsLeafKey(NptSpte spte) => spte.AsLeaf.Key;
}

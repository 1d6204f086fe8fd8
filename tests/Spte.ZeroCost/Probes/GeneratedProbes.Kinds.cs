using System.Runtime.CompilerServices;

namespace Spte.ZeroCost;

/// <summary>The member kinds <see cref="EptIdioms"/> also measures that the first probes do not cover.</summary>
public static partial class GeneratedProbes
{
    /// <summary>A single bit at the top of the entry.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool SuppressVe(EptSpte spte) => spte.SuppressVe;

    /// <summary>A single bit above bit 31, where the mask no longer fits an imm32.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool HostWritable(EptSpte.Leaf spte) => spte.HostWritable;

    /// <summary>That bit replaced.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static EptSpte.Leaf WithHostWritable(EptSpte.Leaf spte, bool value) => spte.WithHostWritable(value);

    /// <summary>Equality with a special value.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool IsFrozen(EptSpte spte) => spte.IsFrozen;

    /// <summary>The non-present entry.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static EptSpte NonPresent() => EptSpte.NonPresent;

    /// <summary>The top bit replaced.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static EptSpte WithSuppressVe(EptSpte spte, bool value) => spte.WithSuppressVe(value);

    /// <summary>A run replaced by a constant in range: the range check folds away.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static EptSpte.Leaf WithPfnInRange(EptSpte.Leaf spte) => spte.WithPfn(0xABCDE);

    /// <summary>An enum run replaced by a constant.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static EptSpte.Leaf WithMemoryTypeInRange(EptSpte.Leaf spte) => spte.WithMemoryType(EptMemoryType.WriteBack);

    /// <summary>Two bits set and a run replaced, through the leaf view, in one chain.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static EptSpte.Leaf WithChain(EptSpte spte, ulong pfn) => spte.AsLeaf.WithReadable(true).WithWritable(true).WithPfn(pfn);

    /// <summary>The present test through a view converted back to the format.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    [Twins("IsPresent")]
    public static bool FromLeafIsPresent(EptSpte.Leaf leaf) => ((EptSpte)leaf).IsPresent;
}

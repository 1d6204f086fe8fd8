using System.Runtime.CompilerServices;

namespace Spte.ZeroCost;

/// <summary>One out-of-line probe per generated <see cref="GStagePte"/> member kind; the twins are in <see cref="GStageIdioms"/>.</summary>
public static class GStageProbes
{
    /// <summary>Bit 1.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool Readable(GStagePte pte) => pte.Readable;

    /// <summary>Bit 63 of the leaf view.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool Napot(GStagePte.Leaf pte) => pte.Napot;

    /// <summary>The present test (V, bit 0).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool IsPresent(GStagePte pte) => pte.IsPresent;

    /// <summary>The non-present entry (0).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static GStagePte NonPresent() => GStagePte.NonPresent;

    /// <summary>An int-backed enum run (bits 8..9).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static SoftwareState Software(GStagePte pte) => pte.Software;

    /// <summary>A 44-bit run (bits 10..53).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Ppn(GStagePte pte) => pte.Ppn;

    /// <summary>A byte-backed enum run just below the top bit (bits 61..62).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Pbmt Pbmt(GStagePte.Leaf pte) => pte.Pbmt;

    /// <summary>Bit 1 replaced.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static GStagePte WithReadable(GStagePte pte, bool value) => pte.WithReadable(value);

    /// <summary>Bit 63 replaced.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static GStagePte.Leaf WithNapot(GStagePte.Leaf pte, bool value) => pte.WithNapot(value);

    /// <summary>A run replaced, range-checked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static GStagePte WithPpn(GStagePte pte, ulong ppn) => pte.WithPpn(ppn);

    /// <summary>An int enum run replaced, range-checked (a negative value is out of range).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static GStagePte WithSoftware(GStagePte pte, SoftwareState state) => pte.WithSoftware(state);

    /// <summary>An int enum run replaced by a constant.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static GStagePte WithSoftwareInRange(GStagePte pte) => pte.WithSoftware(SoftwareState.Zapping);

    /// <summary>A byte enum run replaced, range-checked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static GStagePte.Leaf WithPbmt(GStagePte.Leaf pte, Pbmt type) => pte.WithPbmt(type);

    /// <summary>Two bits set and a run replaced in one chain.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static GStagePte WithChain(GStagePte pte, ulong ppn) => pte.WithValid(true).WithReadable(true).WithPpn(ppn);

    /// <summary>A view's field read after converting from the format.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    [Twins("Pbmt")]
    public static Pbmt AsLeafPbmt(GStagePte pte) => pte.AsLeaf.Pbmt;
}

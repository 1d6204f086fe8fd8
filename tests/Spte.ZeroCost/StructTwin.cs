using System;
using System.Runtime.CompilerServices;

namespace Spte.ZeroCost;

/// <summary>
/// The hand-written one-field struct wrapper a careful programmer would write without the
/// generator: the same <see cref="UlongTwin"/> expressions behind properties, inlined the way the
/// generated accessors are. It separates what wrapping a <see cref="ulong"/> in a struct costs
/// from what the generator's code costs.
/// </summary>
public readonly struct StructTwin
{
    private StructTwin(ulong raw) => Raw = raw;

    /// <summary>The raw 64-bit value, the only state.</summary>
    public ulong Raw { get; }

    /// <summary>Bit 0 set.</summary>
    public bool Readable
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => UlongTwin.Readable(Raw);
    }

    /// <summary>The present bit set.</summary>
    public bool IsPresent
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => UlongTwin.IsPresent(Raw);
    }

    /// <summary>Bits 3..5.</summary>
    public EptMemoryType MemoryType
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => UlongTwin.MemoryType(Raw);
    }

    /// <summary>Bits 12..51.</summary>
    public ulong Pfn
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => UlongTwin.Pfn(Raw);
    }

    /// <summary>Bits 3..10 and 52..62.</summary>
    public uint Generation
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => UlongTwin.Generation(Raw);
    }

    /// <summary>The non-present entry.</summary>
    public static StructTwin NonPresent => new(UlongTwin.NonPresentValue);

    /// <summary>A fresh table of non-present entries, as the generated <c>NewTable</c> makes it.</summary>
    public static StructTwin[] NewTable(int entries)
    {
        if (entries < 0)
        {
            SpteThrow.NegativeTableSize(entries);
        }

        var table = GC.AllocateUninitializedArray<StructTwin>(entries);
        table.AsSpan().Fill(NonPresent);
        return table;
    }

    /// <summary>Wraps a raw value.</summary>
    public static StructTwin FromRaw(ulong raw) => new(raw);

    /// <summary>A copy with bit 0 replaced.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public StructTwin WithReadable(bool value) => new(UlongTwin.WithReadable(Raw, value));

    /// <summary>A copy with the pfn replaced.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public StructTwin WithPfn(ulong pfn) => new(UlongTwin.WithPfn(Raw, pfn));

    /// <summary>A copy with the memory type replaced.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public StructTwin WithMemoryType(EptMemoryType type) => new(UlongTwin.WithMemoryType(Raw, type));

    /// <summary>A copy with the generation replaced.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public StructTwin WithGeneration(uint generation) => new(UlongTwin.WithGeneration(Raw, generation));
}

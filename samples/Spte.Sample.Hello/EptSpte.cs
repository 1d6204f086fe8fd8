using Spte;

namespace Spte.Sample.Hello;

/// <summary>EPT memory types (leaf entries, bits 3..5).</summary>
public enum EptMemoryType : byte
{
    Uncacheable = 0,
    WriteCombining = 1,
    WriteThrough = 4,
    WriteProtected = 5,
    WriteBack = 6,
}

/// <summary>KVM's EPT SPTE: hardware R/W/X, software MMU-present bit 11, suppress-#VE bit 63.</summary>
[SpteFormat(NonPresentValue = 1UL << 63)]
[SpecialValue("Frozen", (1UL << 63) | 0x5a0)]
[Disjoint("Frozen", "Leaf.Pfn")]
public readonly partial struct EptSpte
{
    [Bit(0)] public partial bool Readable { get; }
    [Bit(1)] public partial bool Writable { get; }
    [Bit(2)] public partial bool Executable { get; }
    [Bit(11), Present] public partial bool MmuPresent { get; }
    [Bit(63)] public partial bool SuppressVe { get; }

    /// <summary>A 4K leaf.</summary>
    [SpteView]
    public readonly partial struct Leaf
    {
        [Bits(3, 5)] public partial EptMemoryType MemoryType { get; }
        [Bits(12, 51)] public partial ulong Pfn { get; }
    }

    /// <summary>An MMIO SPTE: the memslot generation is split over bits 3..10 and 52..62.</summary>
    [SpteView]
    public readonly partial struct Mmio
    {
        [Bits(3, 10), Bits(52, 62)] public partial uint Generation { get; }
    }
}

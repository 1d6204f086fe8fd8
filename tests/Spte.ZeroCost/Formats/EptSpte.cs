using Spte;

namespace Spte.ZeroCost;

/// <summary>EPT memory types (leaf entries, bits 3..5).</summary>
public enum EptMemoryType : byte
{
    /// <summary>UC.</summary>
    Uncacheable = 0,

    /// <summary>WC.</summary>
    WriteCombining = 1,

    /// <summary>WT.</summary>
    WriteThrough = 4,

    /// <summary>WP.</summary>
    WriteProtected = 5,

    /// <summary>WB.</summary>
    WriteBack = 6,
}

/// <summary>
/// KVM's EPT SPTE as the generator sees it: a single bit, a present bit, a run, an enum run and
/// (in the MMIO view) a split field, and KVM's frozen value: the shapes the probes compare.
/// </summary>
[SpteFormat(NonPresentValue = 1UL << 63)]
[SpecialValue("Frozen", (1UL << 63) | 0x5a0)]
public readonly partial struct EptSpte
{
    /// <summary>Bit 0: reads allowed.</summary>
    [Bit(0)] public partial bool Readable { get; }

    /// <summary>Bit 1: writes allowed.</summary>
    [Bit(1)] public partial bool Writable { get; }

    /// <summary>Bit 11: KVM's SPTE_MMU_PRESENT_MASK.</summary>
    [Bit(11), Present] public partial bool MmuPresent { get; }

    /// <summary>Bit 63: suppress #VE.</summary>
    [Bit(63)] public partial bool SuppressVe { get; }

    /// <summary>A 4K leaf.</summary>
    [SpteView]
    public readonly partial struct Leaf
    {
        /// <summary>Bits 3..5: the EPT memory type.</summary>
        [Bits(3, 5)] public partial EptMemoryType MemoryType { get; }

        /// <summary>Bit 57: KVM's EPT_SPTE_HOST_WRITABLE, a software bit above the frame.</summary>
        [Bit(57)] public partial bool HostWritable { get; }

        /// <summary>Bits 12..51: the host page frame number.</summary>
        [Bits(12, 51)] public partial ulong Pfn { get; }
    }

    /// <summary>An MMIO SPTE: the memslot generation is split over bits 3..10 and 52..62.</summary>
    [SpteView]
    public readonly partial struct Mmio
    {
        /// <summary>Bits 3..10 (generation bits 0..7) and 52..62 (generation bits 8..18).</summary>
        [Bits(3, 10), Bits(52, 62)] public partial uint Generation { get; }
    }
}

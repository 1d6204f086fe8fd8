using Spte;

namespace Spte.ZeroCost;

/// <summary>The x86 protection key (bits 59..62), ushort-backed so a ushort enum run is measured.</summary>
public enum ProtectionKey : ushort
{
    /// <summary>Key 0, the default.</summary>
    Default = 0,

    /// <summary>The largest key.</summary>
    Last = 15,
}

/// <summary>
/// AMD NPT as the runtime declares it (non-present value 0, KVM's frozen value), cut to the
/// shapes the probes compare, plus the protection-key run for a ushort-backed enum.
/// </summary>
[SpteFormat(NonPresentValue = 0)]
[SpecialValue("Frozen", 0x5a0)]
public readonly partial struct NptSpte
{
    /// <summary>P (bit 0).</summary>
    [Bit(0)] public partial bool PagePresent { get; }

    /// <summary>RW (bit 1).</summary>
    [Bit(1)] public partial bool Writable { get; }

    /// <summary>KVM's SPTE_MMU_PRESENT_MASK.</summary>
    [Bit(11), Present] public partial bool MmuPresent { get; }

    /// <summary>Bits 12..51: the frame.</summary>
    [Bits(12, 51)] public partial ulong Pfn { get; }

    /// <summary>NX (bit 63).</summary>
    [Bit(63)] public partial bool NoExecute { get; }

    /// <summary>A 4K leaf.</summary>
    [SpteView]
    public readonly partial struct Leaf
    {
        /// <summary>Set by the CPU when the page is written.</summary>
        [Bit(6)] public partial bool Dirty { get; }

        /// <summary>Bits 59..62: the protection key.</summary>
        [Bits(59, 62)] public partial ProtectionKey Key { get; }
    }

    /// <summary>A KVM MMIO SPTE: the generation split over bits 3..10 and 52..62.</summary>
    [SpteView]
    public readonly partial struct Mmio
    {
        /// <summary>Bits 3..10 and 52..62.</summary>
        [Bits(3, 10), Bits(52, 62)] public partial uint Generation { get; }
    }
}

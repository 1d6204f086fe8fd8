using Spte;

namespace Spte.Sample.AnalyzerTour.Formats;

/// <summary>EPT memory types of a leaf (bits 3..5).</summary>
public enum EptMemoryType : byte
{
    /// <summary>Uncacheable.</summary>
    Uncacheable = 0,

    /// <summary>Write back, what KVM maps guest RAM with.</summary>
    WriteBack = 6,
}

/// <summary>
/// KVM's EPT SPTE, reduced to what the tour needs. Its non-present value is KVM's
/// <c>SHADOW_NONPRESENT_VALUE</c>: bit 63, suppress #VE. Since Intel TDX, a zero here is not "empty":
/// a TD's VMCS always has "EPT-violation #VE" on, so a zero entry hands the guest a #VE where KVM
/// expected an EPT violation exit.
/// </summary>
[SpteFormat(NonPresentValue = 1UL << 63)]
[SpecialValue("Frozen", (1UL << 63) | 0x5a0)]   // KVM's FROZEN_SPTE: a zap in progress, not present
public readonly partial struct EptSpte
{
    /// <summary>Reads allowed.</summary>
    [Bit(0)] public partial bool Readable { get; }

    /// <summary>Writes allowed.</summary>
    [Bit(1)] public partial bool Writable { get; }

    /// <summary>Instruction fetches allowed.</summary>
    [Bit(2)] public partial bool Executable { get; }

    /// <summary>KVM's software present bit, <c>SPTE_MMU_PRESENT_MASK</c>.</summary>
    [Bit(11), Present] public partial bool MmuPresent { get; }

    /// <summary>The frame the entry maps.</summary>
    [Bits(12, 51)] public partial ulong Pfn { get; }

    /// <summary>Suppress #VE: while set, a violation on this entry exits to KVM.</summary>
    [Bit(63)] public partial bool SuppressVe { get; }

    /// <summary>A 4K leaf.</summary>
    [SpteView]
    public readonly partial struct Leaf
    {
        /// <summary>The memory type.</summary>
        [Bits(3, 5)] public partial EptMemoryType MemoryType { get; }
    }
}

namespace Spte.Runtime.Mmu.Spte;

/// <summary>
/// The vendor-independent masks of arch/x86/kvm/mmu/spte.h, stated once for the EPT and NPT
/// formats' <c>[Mask]</c> and <c>[SpecialValue]</c> declarations.
/// </summary>
internal static class KvmSpteMasks
{
    /// <summary><c>MMIO_SPTE_GEN_LOW_MASK</c>: generation bits 0..7 in SPTE bits 3..10.</summary>
    public const ulong MmioSpteGenLow = 0xFFUL << 3;

    /// <summary><c>MMIO_SPTE_GEN_HIGH_MASK</c>: generation bits 8..18 in SPTE bits 52..62.</summary>
    public const ulong MmioSpteGenHigh = 0x7FFUL << 52;

    /// <summary><c>SPTE_MMIO_ALLOWED_MASK</c>: bit 63, the PFN bits 12..51 and RWX bits 0..2.</summary>
    public const ulong SpteMmioAllowed = (1UL << 63) | 0x000F_FFFF_FFFF_F000 | 0x7;

    /// <summary>The low part of <c>FROZEN_SPTE</c> (bits 5, 7, 8, 10), ORed with the non-present value.</summary>
    public const ulong FrozenSpteLow = 0x5a0;
}

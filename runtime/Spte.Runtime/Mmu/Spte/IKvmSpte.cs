using Spte;

namespace Spte.Runtime.Mmu.Spte;

/// <summary>
/// What the MMU needs from an entry format beyond <see cref="ISpte{T}"/>: KVM's per-vendor
/// <c>shadow_*</c> masks (set by <c>kvm_mmu_set_ept_masks</c> for EPT and
/// <c>kvm_mmu_reset_all_pte_masks</c> for NPT), the frozen value and the MMIO generation
/// layout. <see cref="Tdp.TdpMmu{T}"/> is written once against this interface, as KVM's spte.c
/// is written once against the masks, and the JIT specialises it per format.
/// </summary>
/// <typeparam name="T">The format itself.</typeparam>
public interface IKvmSpte<T> : ISpte<T>
    where T : struct, IKvmSpte<T>
{
    /// <summary>KVM's <c>FROZEN_SPTE</c>: a non-present value other threads must not overwrite.</summary>
    static abstract T Frozen { get; }

    /// <summary>KVM's <c>SPTE_BASE_ADDR_MASK</c>: the frame bits 12..51.</summary>
    static abstract ulong SpteBaseAddrMask { get; }

    /// <summary>KVM's <c>shadow_present_mask</c>: bits every present SPTE sets for the hardware.</summary>
    static abstract ulong ShadowPresentMask { get; }

    /// <summary>KVM's <c>PT_WRITABLE_MASK</c> (bit 1 in both formats).</summary>
    static abstract ulong PtWritableMask { get; }

    /// <summary>KVM's <c>PT_PAGE_SIZE_MASK</c> (bit 7 in both formats): a large leaf.</summary>
    static abstract ulong PtPageSizeMask { get; }

    /// <summary>KVM's <c>shadow_user_mask</c>, set for <c>ACC_USER_MASK</c>.</summary>
    static abstract ulong ShadowUserMask { get; }

    /// <summary>KVM's <c>shadow_x_mask</c>, set for <c>ACC_EXEC_MASK</c>.</summary>
    static abstract ulong ShadowXMask { get; }

    /// <summary>KVM's <c>shadow_nx_mask</c>, set when <c>ACC_EXEC_MASK</c> is absent.</summary>
    static abstract ulong ShadowNxMask { get; }

    /// <summary>KVM's <c>shadow_accessed_mask</c>.</summary>
    static abstract ulong ShadowAccessedMask { get; }

    /// <summary>KVM's <c>shadow_dirty_mask</c>.</summary>
    static abstract ulong ShadowDirtyMask { get; }

    /// <summary>KVM's <c>shadow_host_writable_mask</c>.</summary>
    static abstract ulong ShadowHostWritableMask { get; }

    /// <summary>KVM's <c>shadow_mmu_writable_mask</c>.</summary>
    static abstract ulong ShadowMmuWritableMask { get; }

    /// <summary>The memory-type bits a leaf mapping guest RAM carries (<c>get_mt_mask</c>; 0 where the format has none).</summary>
    static abstract ulong RamMemoryTypeBits { get; }

    /// <summary>KVM's <c>generation_mmio_spte_mask</c>: <paramref name="generation"/> placed in the MMIO generation bits.</summary>
    static abstract ulong MmioGenerationBits(uint generation);

    /// <summary>Whether this entry is exactly <see cref="Frozen"/> (<c>is_frozen_spte</c>).</summary>
    bool IsFrozen { get; }

    /// <summary>The frame number in bits 12..51 (<c>spte_to_pfn</c>).</summary>
    ulong Pfn { get; }

    /// <summary>The memslot generation stored in an MMIO SPTE (<c>get_mmio_spte_generation</c>).</summary>
    uint MmioGeneration { get; }

    /// <summary>Decodes the entry through the view that fits it at <paramref name="level"/> (non-leaf, 4K leaf, large leaf, or MMIO).</summary>
    string Describe(int level, bool isMmio);
}

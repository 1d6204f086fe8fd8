namespace Spte.Runtime.Mmu;

/// <summary>The MMUs' paths that turn an entry non-present (each writes <c>SHADOW_NONPRESENT_VALUE</c>).</summary>
internal enum ZapPath
{
    /// <summary><c>tdp_mmu_zap_leafs</c>: a GFN range's leafs (memslot deletion, MMU notifier unmap).</summary>
    ZapLeafs,

    /// <summary><c>__tdp_mmu_zap_root</c>: every entry of a root (invalidated roots, VM teardown).</summary>
    ZapRoot,

    /// <summary><c>kvm_tdp_mmu_zap_sp</c>: the entry linking one page table.</summary>
    ZapSp,

    /// <summary><c>tdp_mmu_zap_spte_atomic</c>: the write that replaces the frozen value.</summary>
    ZapSpteAtomic,

    /// <summary><c>set_spte_gfn</c>: the change-pte notifier's zap.</summary>
    ChangePte,

    /// <summary>The model's zap of MMIO SPTEs in a range that became RAM in a TD (see <c>TdpMmu.ZapMmioSptes</c>).</summary>
    ZapMmioSptes,

    /// <summary>The legacy MMU's <c>mmu_spte_clear_track_bits</c> (via <c>drop_spte</c>, the rmap zaps, the page zap): the path the review found writing 0.</summary>
    MmuSpteClearTrackBits,

    /// <summary>The legacy MMU's <c>mmu_spte_clear_no_track</c>: a parent link or an MMIO SPTE cleared.</summary>
    MmuSpteClearNoTrack,
}

using Spte.Runtime.Mmu.Spte;
namespace Spte.Runtime.Formats;

/// <summary>KVM's EPT masks (spte.c <c>kvm_mmu_set_ept_masks</c>, A/D bits on, no execute-only SPTEs).</summary>
public readonly partial struct EptSpte : IKvmSpte<EptSpte>
{
    /// <inheritdoc/>
    public uint MmioGeneration => AsMmio.Generation;

    /// <inheritdoc/>
    public string Describe(int level, bool isMmio) =>
        isMmio ? AsMmio.ToString()
        : !IsPresent ? ToString()
        : level == 1 ? AsLeaf.ToString()
        : AsLargeLeaf.LargePage ? AsLargeLeaf.ToString()
        : AsNonLeaf.ToString();

    /// <summary>R plus suppress-#VE: present SPTEs never turn a violation into a #VE.</summary>
    static ulong IKvmSpte<EptSpte>.ShadowPresentMask => ReadableMask | SuppressVeMask;

    static ulong IKvmSpte<EptSpte>.SpteBaseAddrMask => PfnMask;

    static ulong IKvmSpte<EptSpte>.PtWritableMask => WritableMask;

    static ulong IKvmSpte<EptSpte>.PtPageSizeMask => LargeLeaf.LargePageMask;

    /// <summary>EPT has no user bit; KVM represents user (read) access with R.</summary>
    static ulong IKvmSpte<EptSpte>.ShadowUserMask => ReadableMask;

    static ulong IKvmSpte<EptSpte>.ShadowXMask => ExecutableMask;

    static ulong IKvmSpte<EptSpte>.ShadowNxMask => 0;

    static ulong IKvmSpte<EptSpte>.ShadowAccessedMask => Leaf.AccessedMask;

    static ulong IKvmSpte<EptSpte>.ShadowDirtyMask => Leaf.DirtyMask;

    static ulong IKvmSpte<EptSpte>.ShadowHostWritableMask => EptSpteHostWritableMask;

    static ulong IKvmSpte<EptSpte>.ShadowMmuWritableMask => EptSpteMmuWritableMask;

    /// <summary>Write-back, without ignore-PAT (what <c>vmx_get_mt_mask</c> returns for RAM of a VM without non-coherent DMA).</summary>
    static ulong IKvmSpte<EptSpte>.RamMemoryTypeBits => (ulong)EptMemoryType.WriteBack << Leaf.MemoryTypeShift;

    static ulong IKvmSpte<EptSpte>.MmioGenerationBits(uint generation) =>
        NonPresent.AsMmio.WithGeneration(generation).Raw & Mmio.GenerationMask;
}

using Spte.Runtime.Mmu.Spte;
namespace Spte.Runtime.Formats;

/// <summary>KVM's NPT masks (spte.c <c>kvm_mmu_reset_all_pte_masks</c>).</summary>
public readonly partial struct NptSpte : IKvmSpte<NptSpte>
{
    /// <inheritdoc/>
    public uint MmioGeneration => AsMmio.Generation;

    /// <inheritdoc/>
    public string Describe(int level, bool isMmio) =>
        isMmio ? AsMmio.ToString()
        : !IsPresent ? ToString()
        : level == 1 ? AsLeaf.ToString()
        : AsLargeLeaf.PageSize ? AsLargeLeaf.ToString()
        : AsNonLeaf.ToString();

    static ulong IKvmSpte<NptSpte>.ShadowPresentMask => PagePresentMask;

    static ulong IKvmSpte<NptSpte>.SpteBaseAddrMask => PfnMask;

    static ulong IKvmSpte<NptSpte>.PtWritableMask => WritableMask;

    static ulong IKvmSpte<NptSpte>.PtPageSizeMask => LargeLeaf.PageSizeMask;

    static ulong IKvmSpte<NptSpte>.ShadowUserMask => UserMask;

    static ulong IKvmSpte<NptSpte>.ShadowXMask => 0;

    static ulong IKvmSpte<NptSpte>.ShadowNxMask => NoExecuteMask;

    static ulong IKvmSpte<NptSpte>.ShadowAccessedMask => Leaf.AccessedMask;

    static ulong IKvmSpte<NptSpte>.ShadowDirtyMask => Leaf.DirtyMask;

    static ulong IKvmSpte<NptSpte>.ShadowHostWritableMask => DefaultSpteHostWritableMask;

    static ulong IKvmSpte<NptSpte>.ShadowMmuWritableMask => DefaultSpteMmuWritableMask;

    /// <summary>NPT SPTEs carry no memory type: KVM relies on PAT entry 0 (WB) and the host MTRRs.</summary>
    static ulong IKvmSpte<NptSpte>.RamMemoryTypeBits => 0;

    static ulong IKvmSpte<NptSpte>.MmioGenerationBits(uint generation) =>
        NonPresent.AsMmio.WithGeneration(generation).Raw & Mmio.GenerationMask;
}

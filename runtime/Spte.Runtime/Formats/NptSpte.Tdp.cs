namespace Spte.Runtime.Formats;

/// <summary>KVM's NPT masks (spte.c <c>kvm_mmu_reset_all_pte_masks</c>).</summary>
public readonly partial struct NptSpte : ITdpSpte<NptSpte>
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

    static ulong ITdpSpte<NptSpte>.ShadowPresentMask => PagePresentMask;

    static ulong ITdpSpte<NptSpte>.SpteBaseAddrMask => PfnMask;

    static ulong ITdpSpte<NptSpte>.PtWritableMask => WritableMask;

    static ulong ITdpSpte<NptSpte>.PtPageSizeMask => LargeLeaf.PageSizeMask;

    static ulong ITdpSpte<NptSpte>.ShadowUserMask => UserMask;

    static ulong ITdpSpte<NptSpte>.ShadowXMask => 0;

    static ulong ITdpSpte<NptSpte>.ShadowNxMask => NoExecuteMask;

    static ulong ITdpSpte<NptSpte>.ShadowAccessedMask => Leaf.AccessedMask;

    static ulong ITdpSpte<NptSpte>.ShadowDirtyMask => Leaf.DirtyMask;

    static ulong ITdpSpte<NptSpte>.ShadowHostWritableMask => DefaultSpteHostWritableMask;

    static ulong ITdpSpte<NptSpte>.ShadowMmuWritableMask => DefaultSpteMmuWritableMask;

    /// <summary>NPT SPTEs carry no memory type: KVM relies on PAT entry 0 (WB) and the host MTRRs.</summary>
    static ulong ITdpSpte<NptSpte>.RamMemoryTypeBits => 0;

    static ulong ITdpSpte<NptSpte>.MmioGenerationBits(uint generation) =>
        NonPresent.AsMmio.WithGeneration(generation).Raw & Mmio.GenerationMask;
}

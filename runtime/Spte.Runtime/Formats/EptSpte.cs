using Spte;
using Spte.Runtime.Mmu.Spte;

namespace Spte.Runtime.Formats;

/// <summary>
/// KVM's EPT SPTE (Intel extended page tables as KVM fills them): hardware R/W/X in bits 0..2,
/// KVM's MMU-present bit 11, the PFN in bits 12..51 and suppress-#VE in bit 63; the rest depends
/// on the view. Non-present entries hold <c>SHADOW_NONPRESENT_VALUE</c> (bit 63), so a
/// non-present entry never turns an EPT violation into a #VE.
/// </summary>
/// <remarks>
/// The assertions restate the <c>static_assert</c>s of arch/x86/kvm/mmu/spte.h (masks named after
/// KVM's macros), plus the hardware facts the TDX flow depends on: the non-present and frozen
/// values set no R/W/X bit (so the CPU sees them as not present) and no PFN bit (no L1TF gadget).
/// Reserved bits that depend on MAXPHYADDR or on the level (large-page frame bits) are computed
/// by <see cref="Hardware.EptWalker"/>.
/// </remarks>
[SpteFormat(NonPresentValue = 1UL << 63)]
[SpecialValue("Frozen", (1UL << 63) | KvmSpteMasks.FrozenSpteLow)]
[Mask("VmxEptRwx", 0x7)]
[Mask("SpteTdpAd", 3UL << 52)]
[Mask("ShadowAccTrackSaved", (1UL << 54) | (1UL << 56))]
[Mask("EptSpteHostWritable", 1UL << 57)]
[Mask("EptSpteMmuWritable", 1UL << 58)]
[Mask("MmioSpteGenLow", KvmSpteMasks.MmioSpteGenLow)]
[Mask("MmioSpteGenHigh", KvmSpteMasks.MmioSpteGenHigh)]
[Mask("SpteMmioAllowed", KvmSpteMasks.SpteMmioAllowed)]
// The static_asserts of spte.h, one declaration each (numbered as in docs/formats.md):
// 1. SPTE_TDP_AD_ENABLED == 0: an A/D-enabled SPTE sets no A/D-type bit (bits 52..62 are reserved in PAE entries).
[Disjoint("Leaf.AdType.Enabled", "SpteTdpAd")]
// 2. The access-track saved bits do not overlap the A/D type mask.
[Disjoint("SpteTdpAd", "ShadowAccTrackSaved")]
// 3..6. EPT host- and MMU-writable overlap neither the A/D type mask nor the saved bits.
[Disjoint("EptSpteHostWritable", "SpteTdpAd")]
[Disjoint("EptSpteMmuWritable", "SpteTdpAd")]
[Disjoint("EptSpteHostWritable", "ShadowAccTrackSaved")]
[Disjoint("EptSpteMmuWritable", "ShadowAccTrackSaved")]
// 7. The MMIO generation never looks MMU-present.
[Disjoint("Present", "MmioSpteGenLow | MmioSpteGenHigh")]
// 8. The MMIO mask may use neither the MMU-present bit nor the generation bits.
[Disjoint("SpteMmioAllowed", "Present | MmioSpteGenLow | MmioSpteGenHigh")]
// 9. The generation halves are 8 and 11 bits wide.
[Width("MmioSpteGenLow | MmioSpteGenHigh", 8, 11)]
// 10, 11. SHADOW_NONPRESENT_VALUE and FROZEN_SPTE set no MMU-present bit: built-in checks of every
// format (SPTE0001, SPTE0004), so they need no declaration here.
// 12. (The posted 0x498 patch.) FROZEN_SPTE sets no accessed or dirty bit: not declared, because
// this model keeps the merged 0x5a0, which sets bit 8 (tests/Spte.Generator.Tests/SpteStaticAssertTests.cs
// declares it, and shows 0x5a0 failing it).
// The KVM masks are the fields the views declare.
[Within("MmioSpteGenLow", "Mmio.Generation")]
[Within("MmioSpteGenHigh", "Mmio.Generation")]
[Width("Mmio.Generation", 19)]
[Within("Leaf.AdType", "SpteTdpAd")]
[Within("Leaf.HostWritable", "EptSpteHostWritable")]
[Within("Leaf.MmuWritable", "EptSpteMmuWritable")]
[Within("Leaf.SavedReadable", "ShadowAccTrackSaved")]
[Within("Leaf.SavedExecutable", "ShadowAccTrackSaved")]
// Hardware: the non-present and frozen values are not present to the CPU and map no frame.
[Disjoint("NonPresent", "VmxEptRwx")]
[Disjoint("Frozen", "VmxEptRwx")]
[Disjoint("Frozen", "Pfn")]
[Within("VmxEptRwx", "SpteMmioAllowed")]
public readonly partial struct EptSpte
{
    /// <summary>Reads allowed (bit 0).</summary>
    [Bit(0)] public partial bool Readable { get; }

    /// <summary>Writes allowed (bit 1); KVM's <c>PT_WRITABLE_MASK</c> lands here too.</summary>
    [Bit(1)] public partial bool Writable { get; }

    /// <summary>Instruction fetches allowed (bit 2; supervisor fetches under mode-based execute control).</summary>
    [Bit(2)] public partial bool Executable { get; }

    /// <summary>KVM's <c>SPTE_MMU_PRESENT_MASK</c> (bit 11, ignored by the CPU).</summary>
    [Bit(11), Present] public partial bool MmuPresent { get; }

    /// <summary>The frame of the next table or of the page (bits 12..51; MMIO SPTEs hold the GFN here).</summary>
    [Bits(12, 51)] public partial ulong Pfn { get; }

    /// <summary>Suppress #VE (bit 63): when clear, an EPT violation on this entry may become a #VE in the guest.</summary>
    [Bit(63)] public partial bool SuppressVe { get; }

    /// <summary>An entry that points to a lower-level table (any level above 4K with bit 7 clear).</summary>
    [SpteView]
    [Reserved(3, 7)]
    public readonly partial struct NonLeaf
    {
        /// <summary>Set by the CPU when the entry is used (A/D enabled).</summary>
        [Bit(8)] public partial bool Accessed { get; }

        /// <summary>User-mode execute (mode-based execute control only).</summary>
        [Bit(10)] public partial bool UserExecutable { get; }

        /// <summary>KVM's A/D tracking type.</summary>
        [Bits(52, 53)] public partial TdpAdType AdType { get; }
    }

    /// <summary>A 4K leaf (level 1; bit 7 is ignored here).</summary>
    [SpteView]
    public readonly partial struct Leaf
    {
        /// <summary>The EPT memory type.</summary>
        [Bits(3, 5)] public partial EptMemoryType MemoryType { get; }

        /// <summary>Ignore the guest PAT.</summary>
        [Bit(6)] public partial bool IgnorePat { get; }

        /// <summary>Set by the CPU when the page is accessed (A/D enabled).</summary>
        [Bit(8)] public partial bool Accessed { get; }

        /// <summary>Set by the CPU when the page is written (A/D enabled).</summary>
        [Bit(9)] public partial bool Dirty { get; }

        /// <summary>User-mode execute (mode-based execute control only).</summary>
        [Bit(10)] public partial bool UserExecutable { get; }

        /// <summary>KVM's A/D tracking type.</summary>
        [Bits(52, 53)] public partial TdpAdType AdType { get; }

        /// <summary>R saved by access tracking.</summary>
        [Bit(54)] public partial bool SavedReadable { get; }

        /// <summary>X saved by access tracking.</summary>
        [Bit(56)] public partial bool SavedExecutable { get; }

        /// <summary>KVM's <c>EPT_SPTE_HOST_WRITABLE</c>: the host allows writes to the page.</summary>
        [Bit(57)] public partial bool HostWritable { get; }

        /// <summary>KVM's <c>EPT_SPTE_MMU_WRITABLE</c>: the MMU allows making the SPTE writable.</summary>
        [Bit(58)] public partial bool MmuWritable { get; }
    }

    /// <summary>A 2M (level 2) or 1G (level 3) leaf: bit 7 set. The low frame bits are reserved per level.</summary>
    [SpteView]
    public readonly partial struct LargeLeaf
    {
        /// <summary>The EPT memory type.</summary>
        [Bits(3, 5)] public partial EptMemoryType MemoryType { get; }

        /// <summary>Ignore the guest PAT.</summary>
        [Bit(6)] public partial bool IgnorePat { get; }

        /// <summary>KVM's <c>PT_PAGE_SIZE_MASK</c>: this entry maps a large page.</summary>
        [Bit(7)] public partial bool LargePage { get; }

        /// <summary>Set by the CPU when the page is accessed (A/D enabled).</summary>
        [Bit(8)] public partial bool Accessed { get; }

        /// <summary>Set by the CPU when the page is written (A/D enabled).</summary>
        [Bit(9)] public partial bool Dirty { get; }

        /// <summary>User-mode execute (mode-based execute control only).</summary>
        [Bit(10)] public partial bool UserExecutable { get; }

        /// <summary>KVM's A/D tracking type.</summary>
        [Bits(52, 53)] public partial TdpAdType AdType { get; }

        /// <summary>R saved by access tracking.</summary>
        [Bit(54)] public partial bool SavedReadable { get; }

        /// <summary>X saved by access tracking.</summary>
        [Bit(56)] public partial bool SavedExecutable { get; }

        /// <summary>KVM's <c>EPT_SPTE_HOST_WRITABLE</c>.</summary>
        [Bit(57)] public partial bool HostWritable { get; }

        /// <summary>KVM's <c>EPT_SPTE_MMU_WRITABLE</c>.</summary>
        [Bit(58)] public partial bool MmuWritable { get; }
    }

    /// <summary>
    /// A KVM MMIO SPTE: not MMU-present, the GFN in the PFN bits and the 19-bit memslot
    /// generation split over bits 3..10 and 52..62. On plain VMX its R/W/X bits are W+X (an EPT
    /// misconfiguration); for a TD they are 0 with bit 63 clear (a #VE).
    /// </summary>
    [SpteView]
    public readonly partial struct Mmio
    {
        /// <summary>The memslot generation the SPTE was made under (<c>MMIO_SPTE_GEN_*</c>).</summary>
        [Bits(3, 10), Bits(52, 62)] public partial uint Generation { get; }
    }
}

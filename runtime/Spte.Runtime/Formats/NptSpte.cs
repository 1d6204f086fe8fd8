using Spte;
using Spte.Runtime.Mmu.Spte;

namespace Spte.Runtime.Formats;

/// <summary>
/// An AMD NPT entry (the ordinary x86-64 page-table format) as KVM fills it: P/RW/US in bits
/// 0..2, KVM's MMU-present bit 11, the PFN in bits 12..51, NX in bit 63. The non-present value
/// is 0 here: when P is clear the CPU ignores every other bit, so 0 is a correct non-present
/// value on AMD (KVM itself writes bit 63 on both vendors; this format keeps 0 so that the MMU is
/// exercised over both kinds of non-present value).
/// </summary>
/// <remarks>
/// MMIO SPTEs set P plus physical-address bits at or above MAXPHYADDR, so an access faults with
/// RSVD set; those bits depend on the CPU and are computed at run time.
/// </remarks>
[SpteFormat(NonPresentValue = 0)]
[SpecialValue("Frozen", KvmSpteMasks.FrozenSpteLow)]
[Mask("PtPresent", 0x1)]
[Mask("DefaultSpteHostWritable", 1UL << 9)]
[Mask("DefaultSpteMmuWritable", 1UL << 10)]
[Mask("MmioSpteGenLow", KvmSpteMasks.MmioSpteGenLow)]
[Mask("MmioSpteGenHigh", KvmSpteMasks.MmioSpteGenHigh)]
[Mask("SpteMmioAllowed", KvmSpteMasks.SpteMmioAllowed)]
// The static_asserts of spte.h that apply to this format (1..6 are about EPT's software bits):
// 7. The MMIO generation never looks MMU-present.
[Disjoint("Present", "MmioSpteGenLow | MmioSpteGenHigh")]
// 8. The MMIO mask may use neither the MMU-present bit nor the generation bits.
[Disjoint("SpteMmioAllowed", "Present | MmioSpteGenLow | MmioSpteGenHigh")]
// 9. The generation halves are 8 and 11 bits wide.
[Width("MmioSpteGenLow | MmioSpteGenHigh", 8, 11)]
// 10, 11. The non-present and frozen values set no MMU-present bit: built-in (SPTE0001, SPTE0004).
// 12. (The posted 0x498 patch.) FROZEN_SPTE sets no accessed or dirty bit: not declared while this
// model keeps 0x5a0, which sets bit 5 (see EptSpte).
[Within("MmioSpteGenLow", "Mmio.Generation")]
[Within("MmioSpteGenHigh", "Mmio.Generation")]
[Width("Mmio.Generation", 19)]
[Within("Leaf.HostWritable", "DefaultSpteHostWritable")]
[Within("Leaf.MmuWritable", "DefaultSpteMmuWritable")]
// Hardware: the frozen value is not present to the CPU and maps no frame.
[Within("PtPresent", "PagePresent")]
[Disjoint("Frozen", "PtPresent")]
[Disjoint("Frozen", "Pfn")]
[Within("PtPresent", "SpteMmioAllowed")]
public readonly partial struct NptSpte
{
    /// <summary>P (bit 0): the CPU uses the entry only when it is set. (A field cannot be called <c>Present</c>: every format has <c>PresentMask</c>.)</summary>
    [Bit(0)] public partial bool PagePresent { get; }

    /// <summary>RW (bit 1): writes allowed; KVM's <c>PT_WRITABLE_MASK</c>.</summary>
    [Bit(1)] public partial bool Writable { get; }

    /// <summary>US (bit 2): user accesses allowed. Nested walks are user accesses, so KVM sets it everywhere.</summary>
    [Bit(2)] public partial bool User { get; }

    /// <summary>KVM's <c>SPTE_MMU_PRESENT_MASK</c> (bit 11, available to software).</summary>
    [Bit(11), Present] public partial bool MmuPresent { get; }

    /// <summary>The frame of the next table or of the page (bits 12..51; MMIO SPTEs hold the GFN and reserved bits here).</summary>
    [Bits(12, 51)] public partial ulong Pfn { get; }

    /// <summary>NX (bit 63): instruction fetches not allowed.</summary>
    [Bit(63)] public partial bool NoExecute { get; }

    /// <summary>An entry that points to a lower-level table (PS must be clear).</summary>
    [SpteView]
    [Reserved(7)]
    public readonly partial struct NonLeaf
    {
        /// <summary>PWT.</summary>
        [Bit(3)] public partial bool WriteThrough { get; }

        /// <summary>PCD.</summary>
        [Bit(4)] public partial bool CacheDisable { get; }

        /// <summary>Set by the CPU when the entry is used.</summary>
        [Bit(5)] public partial bool Accessed { get; }
    }

    /// <summary>A 4K leaf (bit 7 is the PAT bit here).</summary>
    [SpteView]
    public readonly partial struct Leaf
    {
        /// <summary>PWT.</summary>
        [Bit(3)] public partial bool WriteThrough { get; }

        /// <summary>PCD.</summary>
        [Bit(4)] public partial bool CacheDisable { get; }

        /// <summary>Set by the CPU when the page is accessed.</summary>
        [Bit(5)] public partial bool Accessed { get; }

        /// <summary>Set by the CPU when the page is written.</summary>
        [Bit(6)] public partial bool Dirty { get; }

        /// <summary>PAT index bit of a 4K entry.</summary>
        [Bit(7)] public partial bool Pat { get; }

        /// <summary>Global.</summary>
        [Bit(8)] public partial bool Global { get; }

        /// <summary>KVM's <c>DEFAULT_SPTE_HOST_WRITABLE</c>.</summary>
        [Bit(9)] public partial bool HostWritable { get; }

        /// <summary>KVM's <c>DEFAULT_SPTE_MMU_WRITABLE</c>.</summary>
        [Bit(10)] public partial bool MmuWritable { get; }
    }

    /// <summary>A 2M or 1G leaf: PS (bit 7) set; bit 12 is the large page's PAT bit, the frame bits above it up to the page size are reserved.</summary>
    [SpteView]
    public readonly partial struct LargeLeaf
    {
        /// <summary>PWT.</summary>
        [Bit(3)] public partial bool WriteThrough { get; }

        /// <summary>PCD.</summary>
        [Bit(4)] public partial bool CacheDisable { get; }

        /// <summary>Set by the CPU when the page is accessed.</summary>
        [Bit(5)] public partial bool Accessed { get; }

        /// <summary>Set by the CPU when the page is written.</summary>
        [Bit(6)] public partial bool Dirty { get; }

        /// <summary>PS: this entry maps a large page (KVM's <c>PT_PAGE_SIZE_MASK</c>).</summary>
        [Bit(7)] public partial bool PageSize { get; }

        /// <summary>Global.</summary>
        [Bit(8)] public partial bool Global { get; }

        /// <summary>KVM's <c>DEFAULT_SPTE_HOST_WRITABLE</c>.</summary>
        [Bit(9)] public partial bool HostWritable { get; }

        /// <summary>KVM's <c>DEFAULT_SPTE_MMU_WRITABLE</c>.</summary>
        [Bit(10)] public partial bool MmuWritable { get; }
    }

    /// <summary>A KVM MMIO SPTE: P and reserved address bits set, the memslot generation split over bits 3..10 and 52..62.</summary>
    [SpteView]
    public readonly partial struct Mmio
    {
        /// <summary>The memslot generation the SPTE was made under.</summary>
        [Bits(3, 10), Bits(52, 62)] public partial uint Generation { get; }
    }
}

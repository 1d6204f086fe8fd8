using Spte;

namespace Spte.Sample.OtherArch.Arm64;

/// <summary>
/// An ARM64 (VMSAv8-64) stage-2 translation table descriptor, 4KB granule, 48-bit output
/// addresses, as KVM/arm64 uses it.
/// </summary>
/// <remarks>
/// <para>
/// Bit positions were checked against KVM's arch/arm64 <c>kvm_pgtable</c> definitions in stored
/// copies of kernel patches ("verified"): <c>KVM_PTE_VALID</c> bit 0, <c>KVM_PTE_TYPE</c> bit 1,
/// <c>S2_MEMATTR</c> 2..5, <c>S2AP_R</c>/<c>S2AP_W</c> 6/7, <c>S2_SH</c> 8..9, <c>S2_AF</c> 10,
/// <c>S2_DBM</c> 51, <c>S2_XN</c> 53..54 (bit 54 alone in older kernels), <c>HI_SW</c> 55..58,
/// <c>KVM_INVALID_PTE_OWNER_MASK</c> 2..9 and <c>KVM_INVALID_PTE_LOCKED</c> bit 10. The output
/// address range 12..47, the contiguous bit 52 and the block's reserved bits are from memory
/// (Arm ARM), unverified.
/// </para>
/// <para>
/// Unlike x86 EPT under TDX there is no "suppress #VE" bit: an invalid descriptor (bit 0 clear)
/// always faults to the hypervisor, so the non-present value is 0 and every other bit of an
/// invalid descriptor is free for software. KVM uses that: pKVM records the page's owner in bits
/// 2..9, and a descriptor in the middle of a break-before-make sequence holds exactly
/// <c>KVM_INVALID_PTE_LOCKED</c>, KVM/arm64's counterpart of x86's <c>FROZEN_SPTE</c>.
/// </para>
/// </remarks>
[SpteFormat]                                              // invalid = 0: no suppress-#VE analogue
[SpecialValue("Locked", 1UL << 10)]                       // KVM_INVALID_PTE_LOCKED, valid bit clear
[Mask("KvmPteLeafAttrS2Perms", (3UL << 6) | (3UL << 53))] // KVM_PTE_LEAF_ATTR_S2_PERMS
[Mask("KvmPteLeafAttrHiSw", 0xFUL << 55)]                 // KVM_PTE_LEAF_ATTR_HI_SW
[Mask("KvmInvalidPteOwner", 0xFFUL << 2)]                 // KVM_INVALID_PTE_OWNER_MASK
[Within("Page.Access", "KvmPteLeafAttrS2Perms")]
[Within("Page.ExecuteNever", "KvmPteLeafAttrS2Perms")]
[Within("Page.Software", "KvmPteLeafAttrHiSw")]
[Within("Invalid.OwnerId", "KvmInvalidPteOwner")]
[Disjoint("Invalid.OwnerId", "Present")]                  // an owner annotation never looks valid
[Disjoint("Locked", "KvmInvalidPteOwner")]                // ... and never looks locked
public readonly partial struct Stage2Descriptor
{
    /// <summary>Valid (bit 0): the hardware's only "present" bit.</summary>
    [Bit(0), Present] public partial bool Valid { get; }

    /// <summary>Type (bit 1): 1 is a table (levels 0..2) or a page (level 3); 0 is a block (levels 1..2) and reserved at level 3.</summary>
    [Bit(1)] public partial bool TableOrPage { get; }

    /// <summary>A table descriptor (levels 0..2, bits 1..0 = 11): the next table's address.</summary>
    [SpteView]
    public readonly partial struct Table
    {
        /// <summary>The next-level table's physical address, bits 47..12.</summary>
        [Bits(12, 47)] public partial ulong NextTable { get; }
    }

    /// <summary>A page descriptor (level 3, bits 1..0 = 11), mapping 4KB.</summary>
    [SpteView]
    public readonly partial struct Page
    {
        /// <summary>Stage-2 memory attributes.</summary>
        [Bits(2, 5)] public partial Stage2MemAttr MemAttr { get; }

        /// <summary>S2AP: data access permissions.</summary>
        [Bits(6, 7)] public partial Stage2Access Access { get; }

        /// <summary>SH: shareability.</summary>
        [Bits(8, 9)] public partial Shareability Shareability { get; }

        /// <summary>AF: the access flag; an access with AF clear faults unless hardware AF management is on.</summary>
        [Bit(10)] public partial bool AccessFlag { get; }

        /// <summary>The output address, bits 47..12 (the page frame).</summary>
        [Bits(12, 47)] public partial ulong OutputAddress { get; }

        /// <summary>DBM: dirty bit modifier (hardware dirty-state management).</summary>
        [Bit(51)] public partial bool Dbm { get; }

        /// <summary>Contiguous hint: one of 16 adjacent descriptors mapping a contiguous range.</summary>
        [Bit(52)] public partial bool Contiguous { get; }

        /// <summary>XN[1:0]: execute-never.</summary>
        [Bits(53, 54)] public partial ExecuteNever ExecuteNever { get; }

        /// <summary>Bits 55..58, reserved for software: ignored by the hardware.</summary>
        [Bits(55, 58)] public partial byte Software { get; }
    }

    /// <summary>
    /// A level-2 block descriptor (bits 1..0 = 01), mapping 2MB: the output address starts at bit
    /// 21 and bits 12..20 are reserved (bit 16 is nT with FEAT_BBM; this sample assumes no BBM).
    /// </summary>
    [SpteView, Reserved(12, 20)]
    public readonly partial struct Block2M
    {
        /// <summary>Stage-2 memory attributes.</summary>
        [Bits(2, 5)] public partial Stage2MemAttr MemAttr { get; }

        /// <summary>S2AP: data access permissions.</summary>
        [Bits(6, 7)] public partial Stage2Access Access { get; }

        /// <summary>SH: shareability.</summary>
        [Bits(8, 9)] public partial Shareability Shareability { get; }

        /// <summary>AF: the access flag.</summary>
        [Bit(10)] public partial bool AccessFlag { get; }

        /// <summary>The output address, bits 47..21 (the 2MB frame).</summary>
        [Bits(21, 47)] public partial ulong OutputAddress { get; }

        /// <summary>XN[1:0]: execute-never.</summary>
        [Bits(53, 54)] public partial ExecuteNever ExecuteNever { get; }
    }

    /// <summary>
    /// An invalid descriptor as KVM/arm64 annotates it. The hardware ignores every bit but bit 0;
    /// these are KVM's own uses of them.
    /// </summary>
    [SpteView]
    public readonly partial struct Invalid
    {
        /// <summary>pKVM's owner of the page (host, hypervisor, a guest): <c>KVM_INVALID_PTE_OWNER_MASK</c>.</summary>
        [Bits(2, 9)] public partial byte OwnerId { get; }

        /// <summary><c>KVM_INVALID_PTE_LOCKED</c>: a break-before-make sequence owns this descriptor.</summary>
        [Bit(10)] public partial bool LockedBit { get; }
    }
}

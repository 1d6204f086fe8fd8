using Spte.Generator.Tests.Infrastructure;

namespace Spte.Generator.Tests;

/// <summary>
/// The formats the snapshot and behaviour tests share, modelled on KVM's SPTE layouts
/// (shared/reference/kvm-mmu-facts.md): EPT with SHADOW_NONPRESENT_VALUE and FROZEN_SPTE, NPT
/// with a zero non-present value, the MMIO SPTE with its split generation, a format with
/// views and reserved bits, and a format nested in partial containers.
/// </summary>
internal static class KvmFormats
{
    public static readonly SourceFile MemoryTypes = new("MemoryTypes.cs", """
        namespace Kvm.Ept;

        /// <summary>EPT memory types (leaf entries, bits 3..5).</summary>
        public enum EptMemoryType : byte
        {
            /// <summary>UC.</summary>
            Uncacheable = 0,
            /// <summary>WC.</summary>
            WriteCombining = 1,
            /// <summary>WT.</summary>
            WriteThrough = 4,
            /// <summary>WP.</summary>
            WriteProtected = 5,
            /// <summary>WB.</summary>
            WriteBack = 6,
        }
        """);

    public static readonly SourceFile EptLeaf = new("EptLeafSpte.cs", """
        using Spte;

        namespace Kvm.Ept;

        /// <summary>KVM's 4K EPT leaf SPTE.</summary>
        [SpteFormat(NonPresentValue = 1UL << 63)]
        [SpecialValue("Frozen", (1UL << 63) | 0x5a0)]
        [Disjoint("Frozen", "Pfn")]
        public partial struct EptLeafSpte
        {
            /// <summary>Reads allowed.</summary>
            [Bit(0)] public partial bool Readable { get; }
            /// <summary>Writes allowed.</summary>
            [Bit(1)] public partial bool Writable { get; }
            /// <summary>Fetches allowed.</summary>
            [Bit(2)] public partial bool Executable { get; }
            /// <summary>The memory type.</summary>
            [Bits(3, 5)] public partial EptMemoryType MemoryType { get; }
            /// <summary>Ignore the guest PAT.</summary>
            [Bit(6)] public partial bool IgnorePat { get; }
            /// <summary>Accessed (A/D enabled).</summary>
            [Bit(8)] public partial bool Accessed { get; }
            /// <summary>Dirty (A/D enabled).</summary>
            [Bit(9)] public partial bool Dirty { get; }
            /// <summary>SPTE_MMU_PRESENT_MASK.</summary>
            [Bit(11), Present] public partial bool MmuPresent { get; }
            /// <summary>The host page frame.</summary>
            [Bits(12, 51)] public partial ulong Pfn { get; }
            /// <summary>Suppress #VE.</summary>
            [Bit(63)] public partial bool SuppressVe { get; }
        }
        """);

    public static readonly SourceFile Npt = new("NptSpte.cs", """
        using Spte;

        namespace Kvm.Npt;

        /// <summary>An NPT SPTE: the ordinary x86-64 PTE, where 0 is not present.</summary>
        [SpteFormat]
        public partial struct NptSpte
        {
            /// <summary>P, the hardware present bit.</summary>
            [Bit(0)] public partial bool PagePresent { get; }
            /// <summary>RW.</summary>
            [Bit(1)] public partial bool Writable { get; }
            /// <summary>US.</summary>
            [Bit(2)] public partial bool User { get; }
            /// <summary>A.</summary>
            [Bit(5)] public partial bool Accessed { get; }
            /// <summary>D.</summary>
            [Bit(6)] public partial bool Dirty { get; }
            /// <summary>PS.</summary>
            [Bit(7)] public partial bool LargePage { get; }
            /// <summary>SPTE_MMU_PRESENT_MASK.</summary>
            [Bit(11), Present] public partial bool MmuPresent { get; }
            /// <summary>The host page frame.</summary>
            [Bits(12, 51)] public partial ulong Pfn { get; }
            /// <summary>NX.</summary>
            [Bit(63)] public partial bool NoExecute { get; }
        }
        """);

    public static readonly SourceFile Mmio = new("MmioSpte.cs", """
        using Spte;

        namespace Kvm.Mmio;

        /// <summary>An EPT SPTE that can also be an MMIO SPTE.</summary>
        [SpteFormat(NonPresentValue = 1UL << 63)]
        [Mask("MmioValue", 0x6)]
        [Within("MmioValue", "Rwx")]
        [Width("Mmio.Generation", 19)]
        [Disjoint("Mmio.Generation", "Present")]
        public partial struct MmioSpte
        {
            /// <summary>XWR; an MMIO SPTE uses W+X without R so that it misconfigures.</summary>
            [Bits(0, 2)] public partial byte Rwx { get; }
            /// <summary>SPTE_MMU_PRESENT_MASK.</summary>
            [Bit(11), Present] public partial bool MmuPresent { get; }
            /// <summary>Suppress #VE.</summary>
            [Bit(63)] public partial bool SuppressVe { get; }

            /// <summary>KVM's MMIO SPTE: the memslot generation split over bits 3..10 and 52..62.</summary>
            [SpteView]
            public partial struct Mmio
            {
                /// <summary>The memslot generation.</summary>
                [Bits(3, 10), Bits(52, 62)] public partial uint Generation { get; }
                /// <summary>The guest frame.</summary>
                [Bits(12, 51)] public partial ulong Gfn { get; }
            }
        }
        """);

    public static readonly SourceFile EptViews = new("EptSpte.cs", """
        using Spte;

        namespace Kvm.Ept;

        /// <summary>An EPT SPTE on a host with MAXPHYADDR 48: non-leaf, 4K leaf and 2M leaf views.</summary>
        [SpteFormat(NonPresentValue = 1UL << 63)]
        [SpecialValue("Frozen", (1UL << 63) | 0x5a0)]
        [Reserved(48, 51)]
        [Disjoint("Frozen", "Leaf.Pfn")]
        [Within("LargeLeaf.Pfn", "Leaf.Pfn")]
        [Disjoint("Reserved", "Present")]
        [Width("NonLeaf.Reserved", 9)]
        public partial struct EptSpte
        {
            /// <summary>Reads allowed.</summary>
            [Bit(0)] public partial bool Readable { get; }
            /// <summary>Writes allowed.</summary>
            [Bit(1)] public partial bool Writable { get; }
            /// <summary>Fetches allowed.</summary>
            [Bit(2)] public partial bool Executable { get; }
            /// <summary>SPTE_MMU_PRESENT_MASK.</summary>
            [Bit(11), Present] public partial bool MmuPresent { get; }
            /// <summary>Suppress #VE.</summary>
            [Bit(63)] public partial bool SuppressVe { get; }

            /// <summary>A non-leaf entry: bits 3..7 are reserved.</summary>
            [SpteView]
            [Reserved(3, 7)]
            public partial struct NonLeaf
            {
                /// <summary>Accessed.</summary>
                [Bit(8)] public partial bool Accessed { get; }
                /// <summary>The next table's frame.</summary>
                [Bits(12, 47)] public partial ulong Pfn { get; }
            }

            /// <summary>A 4K leaf.</summary>
            [SpteView]
            public partial struct Leaf
            {
                /// <summary>The memory type.</summary>
                [Bits(3, 5)] public partial EptMemoryType MemoryType { get; }
                /// <summary>Ignore the guest PAT.</summary>
                [Bit(6)] public partial bool IgnorePat { get; }
                /// <summary>Accessed.</summary>
                [Bit(8)] public partial bool Accessed { get; }
                /// <summary>Dirty.</summary>
                [Bit(9)] public partial bool Dirty { get; }
                /// <summary>The page frame.</summary>
                [Bits(12, 47)] public partial ulong Pfn { get; }
            }

            /// <summary>A 2M leaf: bits 12..20 are reserved.</summary>
            [SpteView]
            [Reserved(12, 20)]
            public partial struct LargeLeaf
            {
                /// <summary>The memory type.</summary>
                [Bits(3, 5)] public partial EptMemoryType MemoryType { get; }
                /// <summary>Large page.</summary>
                [Bit(7)] public partial bool LargePage { get; }
                /// <summary>Dirty.</summary>
                [Bit(9)] public partial bool Dirty { get; }
                /// <summary>The 2M frame, in 4K units above bit 21.</summary>
                [Bits(21, 47)] public partial ulong Pfn { get; }
            }
        }
        """);

    public static readonly SourceFile Nested = new("Mmu.cs", """
        using Spte;

        namespace Kvm.Nested;

        /// <summary>The MMU.</summary>
        public static partial class Mmu
        {
            /// <summary>The TDP MMU.</summary>
            public partial record Tdp
            {
                /// <summary>Its SPTE.</summary>
                [SpteFormat(NonPresentValue = 1UL << 63)]
                public readonly partial struct Spte
                {
                    /// <summary>SPTE_MMU_PRESENT_MASK.</summary>
                    [Bit(11), Present] public partial bool MmuPresent { get; }
                    /// <summary>The page frame.</summary>
                    [Bits(12, 51)] public partial ulong Pfn { get; }
                }
            }
        }
        """);

    /// <summary>Signed and enum-typed fields, up to the widest a signed type holds without turning negative.</summary>
    public static readonly SourceFile Signed = new("SignedSpte.cs", """
        using Spte;

        namespace Kvm.Test;

        /// <summary>A priority with a signed underlying type.</summary>
        public enum Priority : short
        {
            /// <summary>None.</summary>
            None = 0,
            /// <summary>High.</summary>
            High = 5,
        }

        /// <summary>Signed fields.</summary>
        [SpteFormat]
        public partial struct SignedSpte
        {
            /// <summary>7 bits.</summary>
            [Bits(0, 6)] public partial sbyte Small { get; }
            /// <summary>15 bits.</summary>
            [Bits(8, 22)] public partial short Medium { get; }
            /// <summary>31 bits.</summary>
            [Bits(23, 53)] public partial int Large { get; }
            /// <summary>Present.</summary>
            [Bit(54), Present] public partial bool Valid { get; }
            /// <summary>3 bits of a signed enum.</summary>
            [Bits(55, 57)] public partial Priority Priority { get; }
            /// <summary>6 bits.</summary>
            [Bits(58, 63)] public partial byte Tail { get; }
        }

        /// <summary>A 63-bit signed field, the widest a long can hold.</summary>
        [SpteFormat(NonPresentValue = 0x2)]
        public partial struct WideSpte
        {
            /// <summary>Present.</summary>
            [Bit(0), Present] public partial bool Valid { get; }
            /// <summary>63 bits.</summary>
            [Bits(1, 63)] public partial long Wide { get; }
        }
        """);

    /// <summary>Every format above: one compilation for all behaviour tests.</summary>
    public static readonly SourceFile[] All = [MemoryTypes, EptLeaf, Npt, Mmio, EptViews, Nested, Signed];
}

using Spte;

namespace Spte.Sample.OtherArch.RiscV;

/// <summary>Svpbmt page-based memory types (bits 61..62); 3 is reserved. From memory (RISC-V privileged spec).</summary>
public enum Pbmt : byte
{
    /// <summary>None: the physical memory attributes of the region apply.</summary>
    Pma = 0,

    /// <summary>Non-cacheable, idempotent, weakly ordered main memory.</summary>
    NonCacheable = 1,

    /// <summary>Non-cacheable, non-idempotent, strongly ordered I/O memory.</summary>
    Io = 2,
}

/// <summary>
/// A RISC-V G-stage (second-stage, hypervisor extension) PTE for Sv39x4 and Sv48x4. Both use the
/// Sv39/Sv48 PTE format; they differ in the walk (3 or 4 levels) and in the root table, which is
/// 16KB (2048 entries) because the guest physical address has 2 more bits. From memory (RISC-V
/// privileged spec, "Sv32/Sv39/Sv48 page tables" and "Two-stage address translation"); unverified.
/// </summary>
/// <remarks>
/// V (bit 0) is the valid bit. With V clear the hardware ignores every other bit, so the
/// non-present value is 0 and software may keep anything in the rest (Linux keeps swap entries
/// there). Even with V set, R=0 with W=1 is a reserved encoding and faults. R=W=X=0 makes the
/// entry a pointer to the next level, whose U, A, D, PBMT and N bits are reserved. For G-stage
/// translation every access counts as a U-mode access, so leaf PTEs need U set, and G is not
/// used (software should clear it).
/// </remarks>
[SpteFormat]                          // invalid = 0 (V clear); no suppress-#VE analogue
[Reserved(54, 60)]                    // reserved for future standard use
[Mask("Rwx", 0b1110)]
[Width("Ppn", 44)]                    // PPN[2..0] (Sv39) or PPN[3..0] (Sv48): 44 bits either way
[Disjoint("Rwx", "Present")]
public readonly partial struct GStagePte
{
    /// <summary>V: valid.</summary>
    [Bit(0), Present] public partial bool Valid { get; }

    /// <summary>R: readable.</summary>
    [Bit(1)] public partial bool Readable { get; }

    /// <summary>W: writable (reserved without R).</summary>
    [Bit(2)] public partial bool Writable { get; }

    /// <summary>X: executable.</summary>
    [Bit(3)] public partial bool Executable { get; }

    /// <summary>G: global; not used by G-stage translation.</summary>
    [Bit(5)] public partial bool Global { get; }

    /// <summary>RSW: reserved for supervisor (here: hypervisor) software.</summary>
    [Bits(8, 9)] public partial byte Rsw { get; }

    /// <summary>The physical page number of the next table or of the page.</summary>
    [Bits(10, 53)] public partial ulong Ppn { get; }

    /// <summary>A pointer to the next level: V set, R=W=X=0. U, A, D, PBMT and N are reserved here.</summary>
    [SpteView, Reserved(4), Reserved(6, 7), Reserved(61, 63)]
    public readonly partial struct NonLeaf
    {
    }

    /// <summary>A leaf: V set and at least R or X.</summary>
    [SpteView]
    public readonly partial struct Leaf
    {
        /// <summary>U: user; G-stage leaves need it, every G-stage access counts as U-mode.</summary>
        [Bit(4)] public partial bool User { get; }

        /// <summary>A: accessed.</summary>
        [Bit(6)] public partial bool Accessed { get; }

        /// <summary>D: dirty.</summary>
        [Bit(7)] public partial bool Dirty { get; }

        /// <summary>PBMT: page-based memory type (Svpbmt).</summary>
        [Bits(61, 62)] public partial Pbmt Pbmt { get; }

        /// <summary>N: a NAPOT range (Svnapot); with PPN[3:0] = 1000 the leaf maps 64KB.</summary>
        [Bit(63)] public partial bool Napot { get; }
    }
}

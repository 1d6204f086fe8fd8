using Spte;

namespace Spte.ZeroCost;

/// <summary>Svpbmt memory types (bits 61..62), byte-backed as in samples/Spte.Sample.OtherArch.</summary>
public enum Pbmt : byte
{
    /// <summary>The region's physical memory attributes.</summary>
    Pma = 0,

    /// <summary>Non-cacheable memory.</summary>
    NonCacheable = 1,

    /// <summary>I/O memory.</summary>
    Io = 2,
}

/// <summary>What the hypervisor keeps in RSW (bits 8..9), int-backed so an int enum run is measured.</summary>
public enum SoftwareState
{
    /// <summary>Nothing recorded.</summary>
    None = 0,

    /// <summary>Write-protected for dirty logging.</summary>
    WriteTracked = 1,

    /// <summary>Being zapped.</summary>
    Zapping = 2,
}

/// <summary>
/// The narrow format: a RISC-V G-stage PTE from samples/Spte.Sample.OtherArch (valid bit 0,
/// non-present value 0, a 44-bit PPN, fields up to bit 63), with RSW read as an int enum.
/// </summary>
[SpteFormat]
public readonly partial struct GStagePte
{
    /// <summary>V: valid.</summary>
    [Bit(0), Present] public partial bool Valid { get; }

    /// <summary>R: readable.</summary>
    [Bit(1)] public partial bool Readable { get; }

    /// <summary>W: writable.</summary>
    [Bit(2)] public partial bool Writable { get; }

    /// <summary>RSW: the hypervisor's two bits.</summary>
    [Bits(8, 9)] public partial SoftwareState Software { get; }

    /// <summary>The physical page number.</summary>
    [Bits(10, 53)] public partial ulong Ppn { get; }

    /// <summary>A leaf.</summary>
    [SpteView]
    public readonly partial struct Leaf
    {
        /// <summary>A: accessed.</summary>
        [Bit(6)] public partial bool Accessed { get; }

        /// <summary>PBMT (Svpbmt).</summary>
        [Bits(61, 62)] public partial Pbmt Pbmt { get; }

        /// <summary>N: a NAPOT range.</summary>
        [Bit(63)] public partial bool Napot { get; }
    }
}

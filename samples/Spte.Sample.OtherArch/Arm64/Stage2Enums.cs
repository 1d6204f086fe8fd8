namespace Spte.Sample.OtherArch.Arm64;

// Encodings from the Arm ARM (VMSAv8-64 stage 2, 4KB granule), from memory unless a comment says
// "verified": check them against the Arm ARM before relying on them.

/// <summary>S2AP, stage-2 data access permissions (bits 6..7; KVM's S2AP_R is bit 6, S2AP_W bit 7, verified).</summary>
public enum Stage2Access : byte
{
    /// <summary>No data access.</summary>
    None = 0,

    /// <summary>Read only.</summary>
    ReadOnly = 1,

    /// <summary>Write only.</summary>
    WriteOnly = 2,

    /// <summary>Read and write.</summary>
    ReadWrite = 3,
}

/// <summary>SH, shareability (bits 8..9). 1 is reserved. KVM maps with inner shareable (3, verified).</summary>
public enum Shareability : byte
{
    /// <summary>Non-shareable.</summary>
    NonShareable = 0,

    /// <summary>Outer shareable.</summary>
    OuterShareable = 2,

    /// <summary>Inner shareable.</summary>
    InnerShareable = 3,
}

/// <summary>
/// Stage-2 MemAttr[3:0] (bits 2..5) without FEAT_S2FWB: [3:2] = 0 is Device memory with [1:0] its
/// type, otherwise Normal memory with [3:2] outer and [1:0] inner cacheability (from memory).
/// </summary>
public enum Stage2MemAttr : byte
{
    /// <summary>Device-nGnRnE.</summary>
    DeviceNGnRnE = 0x0,

    /// <summary>Device-nGnRE: what KVM uses for device mappings (MT_S2_DEVICE_nGnRE, from memory).</summary>
    DeviceNGnRE = 0x1,

    /// <summary>Normal, inner and outer non-cacheable.</summary>
    NormalNonCacheable = 0x5,

    /// <summary>Normal, inner and outer write-back: what KVM uses for guest RAM (MT_S2_NORMAL, from memory).</summary>
    NormalWriteBack = 0xF,
}

/// <summary>XN[1:0] (bits 53..54) with FEAT_XNX; without it only bit 54 exists (from memory).</summary>
public enum ExecuteNever : byte
{
    /// <summary>Executable at EL1 and EL0.</summary>
    Executable = 0,

    /// <summary>Not executable at EL1, executable at EL0.</summary>
    NotAtEl1 = 1,

    /// <summary>Not executable at EL1 or EL0.</summary>
    Never = 2,

    /// <summary>Executable at EL1, not at EL0.</summary>
    NotAtEl0 = 3,
}

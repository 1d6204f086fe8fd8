using System;

namespace Spte.Runtime.Hardware;

/// <summary>The exit qualification of an EPT violation (SDM "Exit Qualification for EPT Violations"; KVM's <c>EPT_VIOLATION_*</c>).</summary>
[Flags]
public enum EptViolationQualification : ulong
{
    /// <summary>No bit.</summary>
    None = 0,

    /// <summary><c>EPT_VIOLATION_ACC_READ</c>: the access was a data read.</summary>
    AccRead = 1UL << 0,

    /// <summary><c>EPT_VIOLATION_ACC_WRITE</c>: the access was a data write.</summary>
    AccWrite = 1UL << 1,

    /// <summary><c>EPT_VIOLATION_ACC_INSTR</c>: the access was an instruction fetch.</summary>
    AccInstr = 1UL << 2,

    /// <summary>Bit 3: the AND of the R bits of the entries walked (0 when an entry was not present).</summary>
    Readable = 1UL << 3,

    /// <summary>Bit 4: the AND of the W bits of the entries walked.</summary>
    Writable = 1UL << 4,

    /// <summary>Bit 5: the AND of the X bits of the entries walked.</summary>
    Executable = 1UL << 5,

    /// <summary><c>EPT_VIOLATION_GVA_IS_VALID</c>: the guest-linear-address field is valid.</summary>
    GvaIsValid = 1UL << 7,

    /// <summary><c>EPT_VIOLATION_GVA_TRANSLATED</c>: the access was to the final guest-physical address, not a guest page table.</summary>
    GvaTranslated = 1UL << 8,
}

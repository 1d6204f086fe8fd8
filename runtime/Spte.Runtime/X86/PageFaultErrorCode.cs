using System;

namespace Spte.Runtime.X86;

/// <summary>
/// A page-fault error code (KVM's <c>PFERR_*</c> in asm/kvm_host.h). On AMD it is the #NPF
/// exit information; on Intel KVM builds it from the EPT-violation exit qualification.
/// </summary>
[Flags]
public enum PageFaultErrorCode : ulong
{
    /// <summary>No bit set: a read of a non-present entry.</summary>
    None = 0,

    /// <summary><c>PFERR_PRESENT_MASK</c>: the fault hit a present entry (protection or reserved bits).</summary>
    Present = 1UL << 0,

    /// <summary><c>PFERR_WRITE_MASK</c>: a write.</summary>
    Write = 1UL << 1,

    /// <summary><c>PFERR_USER_MASK</c>: a user access (every nested-paging access; KVM also sets it for EPT reads).</summary>
    User = 1UL << 2,

    /// <summary><c>PFERR_RSVD_MASK</c>: a reserved bit was set in an entry.</summary>
    Rsvd = 1UL << 3,

    /// <summary><c>PFERR_FETCH_MASK</c>: an instruction fetch.</summary>
    Fetch = 1UL << 4,

    /// <summary><c>PFERR_GUEST_FINAL_MASK</c>: the fault was on the final guest-physical address.</summary>
    GuestFinal = 1UL << 32,

    /// <summary><c>PFERR_GUEST_PAGE_MASK</c>: the fault was on a guest page-table access.</summary>
    GuestPage = 1UL << 33,
}

namespace Spte.Runtime.Mmu;

/// <summary>What a TDP page fault did (KVM's <c>RET_PF_*</c>).</summary>
internal enum PageFaultResult
{
    /// <summary><c>RET_PF_CONTINUE</c>: keep going (internal to the fault path).</summary>
    Continue,

    /// <summary><c>RET_PF_RETRY</c>: let the vCPU fault again (an entry changed under us, or it was frozen).</summary>
    Retry,

    /// <summary><c>RET_PF_EMULATE</c>: the access must be emulated (MMIO, or a write to read-only memory).</summary>
    Emulate,

    /// <summary><c>RET_PF_INVALID</c>: the fast path could not handle it; take the slow path.</summary>
    Invalid,

    /// <summary><c>RET_PF_FIXED</c>: an SPTE was installed.</summary>
    Fixed,

    /// <summary><c>RET_PF_SPURIOUS</c>: the SPTE was already what the fault would install.</summary>
    Spurious,

    /// <summary>Shadow paging: the guest's own tables do not allow the access, so KVM injects the #PF into the guest (<c>kvm_inject_emulated_page_fault</c>).</summary>
    GuestFault,
}

namespace Spte.Runtime;

/// <summary>What happened, in the order it happened, while a vCPU ran.</summary>
public enum VcpuEventKind
{
    /// <summary>The guest starts an access.</summary>
    Access,

    /// <summary>The CPU translated the access and it completed in the guest.</summary>
    Translated,

    /// <summary>KVM loaded a root for the vCPU (the first one, or after the old one was invalidated).</summary>
    RootLoaded,

    /// <summary>An EPT violation exited to KVM.</summary>
    EptViolation,

    /// <summary>An EPT misconfiguration exited to KVM.</summary>
    EptMisconfig,

    /// <summary>A nested page fault exited to KVM.</summary>
    NestedPageFault,

    /// <summary>KVM's page-fault handler ran; the detail says what it did and the SPTE it left.</summary>
    KvmFault,

    /// <summary>KVM emulated the access against guest RAM (a read of read-only memory, or RAM reached through emulation).</summary>
    Emulated,

    /// <summary>A TD's fault cannot be emulated by KVM; the TD is resumed to retry the access.</summary>
    Resumed,

    /// <summary>The CPU delivered a #VE to the guest instead of exiting.</summary>
    VirtualizationException,

    /// <summary>The TD's #VE handler issued <c>TDG.VP.VMCALL&lt;#VE.RequestMMIO&gt;</c>.</summary>
    TdVmCallMmio,

    /// <summary>KVM rejected the MMIO hypercall (the GPA is RAM, not MMIO).</summary>
    TdVmCallRejected,

    /// <summary>The vCPU exited to userspace with <c>KVM_EXIT_MMIO</c>.</summary>
    MmioExit,

    /// <summary>Userspace's answer completed the MMIO access.</summary>
    MmioCompleted,

    /// <summary>The guest reported a fatal error.</summary>
    FatalError,

    /// <summary>KVM could not emulate the access.</summary>
    InternalError,

    /// <summary>The guest finished its accesses and halted.</summary>
    Halt,

    /// <summary>KVM intercepted a #VE in a VM that is not a TD (<see cref="KvmModuleParams.ProveVe"/>): a KVM bug it WARNs about.</summary>
    UnexpectedVe,

    /// <summary>Shadow paging: the CPU raised #PF on the shadow tables and KVM intercepted it.</summary>
    PageFaultIntercept,

    /// <summary>Shadow paging: the guest's own tables do not allow the access; KVM injects #PF into the guest.</summary>
    GuestPageFault,

    /// <summary>The guest executed <c>invlpg</c> or loaded CR3 (a guest TLB flush KVM intercepts under shadow paging).</summary>
    GuestTlbFlush,
}

/// <summary>One entry of a vCPU's trace.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Gpa">The guest physical address involved.</param>
/// <param name="Detail">A readable description with the entries and values involved.</param>
public sealed record VcpuEvent(VcpuEventKind Kind, ulong Gpa, string Detail)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Kind,-23} gpa 0x{Gpa:X9}  {Detail}";
}

/// <summary>A vCPU's counters (KVM's per-vCPU <c>exits</c>, <c>mmio_exits</c>, … where KVM has one).</summary>
public enum VcpuStat
{
    /// <summary>Guest accesses completed.</summary>
    GuestAccesses,

    /// <summary><c>exits</c>: VM exits to KVM (violations, misconfigurations, nested page faults, hypercalls).</summary>
    Exits,

    /// <summary>EPT violations that exited.</summary>
    EptViolations,

    /// <summary>EPT misconfigurations.</summary>
    EptMisconfigs,

    /// <summary>Nested page faults.</summary>
    NestedPageFaults,

    /// <summary>#VEs delivered to the guest.</summary>
    VirtualizationExceptions,

    /// <summary>MMIO hypercalls from a TD.</summary>
    TdVmCalls,

    /// <summary>Accesses KVM emulated.</summary>
    Emulations,

    /// <summary><c>mmio_exits</c>: exits to userspace for MMIO.</summary>
    MmioExits,

    /// <summary><c>halt_exits</c>.</summary>
    HaltExits,

    /// <summary>Roots loaded.</summary>
    RootLoads,

    /// <summary>System-event exits (a TD's fatal error).</summary>
    SystemEvents,

    /// <summary><c>pf_guest</c>-like: page faults the guest's own tables raised (shadow paging), injected into the guest.</summary>
    GuestPageFaults,

    /// <summary>Page-modification-log-full exits (<c>EXIT_REASON_PML_FULL</c>).</summary>
    PmlFullExits,
}

namespace Spte.Runtime;

/// <summary>Why <see cref="KvmVcpu.Run"/> returned (<c>KVM_EXIT_*</c>, with KVM's numbers).</summary>
public enum KvmExitReason
{
    /// <summary><c>KVM_EXIT_UNKNOWN</c>: <see cref="KvmVcpu.Run"/> has not returned yet.</summary>
    Unknown = 0,

    /// <summary><c>KVM_EXIT_HLT</c>: the guest's access script is finished.</summary>
    Hlt = 5,

    /// <summary>
    /// <c>KVM_EXIT_SHUTDOWN</c>: the guest triple-faulted. A modelled guest has no IDT, so a #PF
    /// its own page tables raise (shadow paging: <see cref="VcpuEventKind.GuestPageFault"/>) ends it.
    /// </summary>
    Shutdown = 8,

    /// <summary><c>KVM_EXIT_MMIO</c>: userspace must emulate <see cref="KvmRun.Mmio"/>, then call <see cref="KvmVcpu.Run"/> again.</summary>
    Mmio = 6,

    /// <summary><c>KVM_EXIT_INTERNAL_ERROR</c>: KVM could not emulate the access (an instruction fetch from MMIO).</summary>
    InternalError = 17,

    /// <summary><c>KVM_EXIT_SYSTEM_EVENT</c>: see <see cref="KvmRun.SystemEventType"/>.</summary>
    SystemEvent = 24,
}

/// <summary>The kind of a <see cref="KvmExitReason.SystemEvent"/> exit (<c>KVM_SYSTEM_EVENT_*</c>).</summary>
public enum KvmSystemEventType
{
    /// <summary>No system event.</summary>
    None = 0,

    /// <summary><c>KVM_SYSTEM_EVENT_TDX_FATAL</c>: the TD reported a fatal error (<c>TDG.VP.VMCALL&lt;ReportFatalError&gt;</c>).</summary>
    TdxFatal = 7,
}

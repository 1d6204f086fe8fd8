using Spte.Runtime.Hardware;
using Spte.Runtime.X86;

namespace Spte.Runtime;

/// <summary>Intel VMX exits (vmx.c): EPT violations and misconfigurations.</summary>
public sealed partial class KvmVcpu<T>
{
    /// <summary>VMX's <c>handle_ept_violation</c>: the qualification becomes a page-fault error code.</summary>
    private PageFaultErrorCode HandleEptViolation(TdpWalkResult walk, ulong gpa)
    {
        Stats.Increment(VcpuStat.EptViolations);
        Record(VcpuEventKind.EptViolation, gpa, $"exit to KVM: {walk.Reason} at level {walk.Level}, entry {Describe(walk.Entry, walk.Level)}, qualification 0x{(ulong)walk.Qualification:X}");
        return EptViolationErrorCode(walk.Qualification);
    }

    /// <summary>VMX's <c>handle_ept_misconfig</c>: a reserved-bit fault, which the MMIO fast path serves.</summary>
    private PageFaultErrorCode HandleEptMisconfig(TdpWalkResult walk, ulong gpa)
    {
        Stats.Increment(VcpuStat.EptMisconfigs);
        Record(VcpuEventKind.EptMisconfig, gpa, $"exit to KVM: {walk.Reason} at level {walk.Level}, entry {Describe(walk.Entry, walk.Level)}");
        return PageFaultErrorCode.Rsvd;
    }

    /// <summary>KVM's <c>__vmx_handle_ept_violation</c>: the page-fault error code an EPT violation's qualification stands for.</summary>
    private static PageFaultErrorCode EptViolationErrorCode(EptViolationQualification q)
    {
        var error = PageFaultErrorCode.None;
        if ((q & EptViolationQualification.AccRead) != 0)
        {
            error |= PageFaultErrorCode.User;
        }

        if ((q & EptViolationQualification.AccWrite) != 0)
        {
            error |= PageFaultErrorCode.Write;
        }

        if ((q & EptViolationQualification.AccInstr) != 0)
        {
            error |= PageFaultErrorCode.Fetch;
        }

        if ((q & (EptViolationQualification.Readable | EptViolationQualification.Writable | EptViolationQualification.Executable)) != 0)
        {
            error |= PageFaultErrorCode.Present;
        }

        return error | ((q & EptViolationQualification.GvaTranslated) != 0 ? PageFaultErrorCode.GuestFinal : PageFaultErrorCode.GuestPage);
    }
}

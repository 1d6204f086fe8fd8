using Spte.Runtime.Hardware;
using Spte.Runtime.Memory;

namespace Spte.Runtime;

/// <summary>A model of the TD guest's #VE handler, which runs inside the guest (KVM never sees the #VE).</summary>
public sealed partial class KvmVcpu<T>
{
    /// <summary>
    /// The TD guest's #VE handler (Linux's <c>virt_exception_kernel</c> → <c>handle_mmio</c>):
    /// read the #VE information (<c>TDG.VP.VEINFO.GET</c>, which frees the area), then ask the
    /// host to do the access (<c>TDG.VP.VMCALL&lt;#VE.RequestMMIO&gt;</c>). KVM's
    /// <c>tdx_emulate_mmio</c> refuses a GPA that has a memslot; the guest cannot complete the
    /// instruction and reports a fatal error.
    /// </summary>
    private KvmExitReason? HandleVeInGuest(ulong gpa, int size)
    {
        var (_, _, veGpa) = VeInfo!.Get();
        var kind = _current!.Kind;
        Stats.Increment(VcpuStat.Exits);
        Stats.Increment(VcpuStat.TdVmCalls);
        Record(VcpuEventKind.TdVmCallMmio, veGpa, $"guest #VE handler: TDG.VP.VMCALL<#VE.RequestMMIO> {kind.ToString().ToLowerInvariant()} {size} bytes");
        if (kind == GuestAccessKind.Fetch)
        {
            return Fatal(gpa, "the #VE handler cannot emulate an instruction fetch");
        }

        if (_vm.Memslots.GfnToMemslot(AsId, gpa >> HostMemory.PageShift) is { } slot)
        {
            Record(VcpuEventKind.TdVmCallRejected, gpa, $"KVM (tdx_emulate_mmio): GPA is RAM in {slot}, not MMIO -> TDVMCALL_STATUS_INVALID_OPERAND");
            return Fatal(gpa, "MMIO hypercall refused for a #VE on RAM: the guest panics (TDG.VP.VMCALL<ReportFatalError>)");
        }

        return MmioExit(gpa, size, "MMIO requested by the TD");
    }

    private KvmExitReason Fatal(ulong gpa, string reason)
    {
        _dead = true;
        Stats.Increment(VcpuStat.SystemEvents);
        RunData.SystemEventType = KvmSystemEventType.TdxFatal;
        Record(VcpuEventKind.FatalError, gpa, reason);
        return Exit(KvmExitReason.SystemEvent);
    }
}

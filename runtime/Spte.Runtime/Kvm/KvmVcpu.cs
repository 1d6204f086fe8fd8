using System.Collections.Generic;
using Spte.Runtime.Hardware;
using Spte.Runtime.Kernel;
using Spte.Runtime.Mmu;

namespace Spte.Runtime;

/// <summary>
/// A vCPU (the file descriptor <c>KVM_CREATE_VCPU</c> returns). Its guest is a
/// <see cref="GuestProgram"/> of memory accesses; <see cref="Run"/> executes them like
/// <c>KVM_RUN</c>: faults and RAM accesses are handled inside, and it returns only when
/// userspace must act (MMIO, a halt, a fatal guest error).
/// </summary>
public abstract class KvmVcpu : IKvmVcpu
{
    private readonly List<VcpuEvent> _events = [];
    private readonly List<GuestAccessResult> _completed = [];

    private protected KvmVcpu(KvmVm vm, int id, VeInformationArea? veInfo)
    {
        Vm = vm;
        Id = id;
        VeInfo = veInfo;
        Guest = new GuestProgram(vm.GuestMaxPhyAddr);
    }

    /// <summary>The VM.</summary>
    public KvmVm Vm { get; }

    /// <summary>The vCPU id.</summary>
    public int Id { get; }

    /// <summary>The accesses the guest will execute.</summary>
    public GuestProgram Guest { get; }

    /// <summary>The shared run structure: the last exit and its data; userspace writes MMIO read data here.</summary>
    public KvmRun RunData { get; } = new();

    /// <summary>The #VE information area (TDs only).</summary>
    public VeInformationArea? VeInfo { get; }

    /// <summary>The address space the vCPU runs in (1 while in SMM).</summary>
    public int AsId { get; set; }

    /// <summary>Whether <see cref="Events"/> is recorded (turn off for long randomized runs).</summary>
    public bool RecordEvents { get; set; } = true;

    /// <summary>The trace, in order.</summary>
    public IReadOnlyList<VcpuEvent> Events => _events;

    /// <summary>The completed accesses and what they read.</summary>
    public IReadOnlyList<GuestAccessResult> Completed => _completed;

    /// <summary>The vCPU's counters.</summary>
    public StatCounters<VcpuStat> Stats { get; } = new();

    /// <summary>
    /// <c>KVM_RUN</c>: completes a pending MMIO read with <see cref="KvmRun.Mmio"/>'s data, then
    /// runs the guest until an exit userspace must handle.
    /// </summary>
    /// <exception cref="Memory.HostMemoryExhaustedException">A page table could not be allocated (KVM's <c>-ENOMEM</c>); retry after freeing memory.</exception>
    public abstract KvmExitReason Run();

    /// <summary><c>KVM_GET_SREGS</c>: the control registers that decide how guest addresses are translated.</summary>
    public abstract KvmSregs GetSregs();

    /// <summary>
    /// <c>KVM_SET_SREGS</c>: sets them; the next run loads the root for the new paging mode.
    /// With paging on, the guest's accesses are guest-virtual, walked through its tables at CR3.
    /// </summary>
    /// <exception cref="KvmException">EINVAL: an inconsistent set (PG without PE, long mode without PAE or LMA), a CR3 beyond MAXPHYADDR, or a TD.</exception>
    /// <exception cref="System.NotSupportedException">32-bit, PAE or 5-level guest paging, or guest paging on a VM with TDP (not modelled).</exception>
    public abstract void SetSregs(KvmSregs sregs);

    /// <summary>Clears the trace.</summary>
    public void ClearEvents() => _events.Clear();

    private protected void Record(VcpuEventKind kind, ulong gpa, string detail)
    {
        if (RecordEvents)
        {
            _events.Add(new VcpuEvent(kind, gpa, detail));
        }
    }

    private protected void AddCompleted(GuestAccessResult result) => _completed.Add(result);
}

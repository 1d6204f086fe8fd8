using System.Collections.Generic;

namespace Spte.Runtime;

/// <summary>A vCPU as a VMM sees it, on either backend (see <see cref="IKvm"/>).</summary>
public interface IKvmVcpu
{
    /// <summary>The vCPU id.</summary>
    int Id { get; }

    /// <summary>The accesses the guest will execute.</summary>
    GuestProgram Guest { get; }

    /// <summary>The shared run structure: the last exit and its data; userspace writes MMIO read data here.</summary>
    KvmRun RunData { get; }

    /// <summary>The completed accesses and what they read.</summary>
    IReadOnlyList<GuestAccessResult> Completed { get; }

    /// <summary><c>KVM_RUN</c>: completes a pending MMIO read with <see cref="KvmRun.Mmio"/>'s data, then runs the guest until an exit userspace must handle.</summary>
    KvmExitReason Run();
}

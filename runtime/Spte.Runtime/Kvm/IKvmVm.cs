using System;
using Spte.Runtime.Memslots;

namespace Spte.Runtime;

/// <summary>A VM as a VMM sees it, on either backend (see <see cref="IKvm"/>). Disposing it closes its descriptors and unmaps its memory.</summary>
public interface IKvmVm : IDisposable
{
    /// <summary>
    /// <c>KVM_SET_USER_MEMORY_REGION</c> with memory the backend maps for the VMM: fresh
    /// anonymous memory for a new slot, the slot's own memory for a move or a flags change.
    /// </summary>
    /// <exception cref="KvmException">The ioctl failed (EINVAL, EEXIST, …); nothing changed.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027", Justification = "The shipped signature keeps its optional flags; the overload taking VMM memory has no optional parameter, so no call can bind differently.")]
    void SetUserMemoryRegion(uint slot, ulong guestPhysAddr, ulong memorySize, KvmMemFlags flags = KvmMemFlags.None);

    /// <summary>Maps <paramref name="size"/> bytes (rounded up to pages) of anonymous memory for the VMM, nobody's yet: the host's zero page until written.</summary>
    /// <exception cref="KvmException">The mapping failed (ENOMEM).</exception>
    VmmMemory MapMemory(ulong size);

    /// <summary>
    /// <c>KVM_SET_USER_MEMORY_REGION</c> with the VMM's own memory: the slot's first page is
    /// <paramref name="memory"/> at <paramref name="memoryOffset"/> (KVM's <c>userspace_addr</c>).
    /// An existing slot keeps its memory: a change naming other memory or another offset is EINVAL.
    /// </summary>
    /// <exception cref="KvmException">The ioctl failed (EINVAL, EEXIST, …), or the offset is not page aligned (EINVAL); nothing changed.</exception>
    /// <exception cref="ArgumentException">The memory is another VM's (simulated host), or the slot leaves it.</exception>
    void SetUserMemoryRegion(uint slot, ulong guestPhysAddr, ulong memorySize, KvmMemFlags flags, VmmMemory memory, ulong memoryOffset);

    /// <summary><c>KVM_CREATE_VCPU</c>.</summary>
    /// <exception cref="KvmException">The ioctl failed (EEXIST for an id in use, …).</exception>
    IKvmVcpu CreateVcpu(int id);

    /// <summary><c>KVM_GET_DIRTY_LOG</c>: the slot's dirty bitmap (bit i = page i), cleared and re-armed.</summary>
    /// <exception cref="KvmException">ENOENT: no such slot, or it does not log; EINVAL: the id is out of range.</exception>
    ulong[] GetDirtyLog(uint slot);

    /// <summary><c>KVM_ENABLE_CAP(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2)</c>: sets the manual-protect mode of the dirty log.</summary>
    /// <exception cref="KvmException">EINVAL: an unknown bit, or initially-set without manual protection.</exception>
    void EnableManualDirtyLogProtect(KvmDirtyLogManualProtect options);

    /// <summary><c>KVM_CLEAR_DIRTY_LOG</c>: clears (and re-arms) the pages whose bits are set in <paramref name="bitmap"/>, page <paramref name="firstPage"/> + i for bit i.</summary>
    /// <exception cref="KvmException">EINVAL for a bad range or id, ENOENT for a slot that does not log, EFAULT for a bitmap shorter than the range.</exception>
    void ClearDirtyLog(uint slot, ulong firstPage, ReadOnlySpan<ulong> bitmap, uint numPages);

    /// <summary>Reads guest memory through the VMM's mapping of the slots.</summary>
    /// <exception cref="KvmException">EFAULT: part of the range has no memslot.</exception>
    void ReadGuestMemory(ulong gpa, Span<byte> destination);

    /// <summary>Writes guest memory through the VMM's mapping of the slots.</summary>
    /// <exception cref="KvmException">EFAULT: part of the range has no memslot.</exception>
    void WriteGuestMemory(ulong gpa, ReadOnlySpan<byte> source);
}

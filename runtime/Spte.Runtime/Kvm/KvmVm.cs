using System.Collections.Generic;
using System;
using Spte.Runtime.Kernel;
using Spte.Runtime.Memory;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu;

namespace Spte.Runtime;

/// <summary>A VM (the file descriptor <c>KVM_CREATE_VM</c> returns). Created by <see cref="Kvm.CreateVm"/>.</summary>
public abstract class KvmVm : IKvmVm
{
    private protected KvmVm(Kvm kvm, KvmVmType type, int guestMaxPhyAddr)
    {
        Kvm = kvm;
        Type = type;
        GuestMaxPhyAddr = guestMaxPhyAddr;
    }

    /// <summary>The host.</summary>
    public Kvm Kvm { get; }

    /// <summary>The machine type.</summary>
    public KvmVmType Type { get; }

    /// <summary>The guest's MAXPHYADDR.</summary>
    public int GuestMaxPhyAddr { get; }

    /// <summary>The VM's memory slots.</summary>
    internal KvmMemslots Memslots { get; } = new();

    /// <summary>The memslot generation as MMIO SPTEs store it: an MMIO SPTE of an older one is stale.</summary>
    public uint MmioGeneration => Memslots.MmioGeneration;

    /// <summary>The TDP root level (4 or 5).</summary>
    public abstract int RootLevel { get; }

    /// <summary>The MMU's counters.</summary>
    public abstract StatCounters<MmuStat> MmuStats { get; }

    /// <summary>Whether a <see cref="Mmu.KvmBugException"/> marked the VM bugged (<c>kvm-&gt;vm_bugged</c>).</summary>
    internal abstract bool Bugged { get; }

    /// <summary>The vCPUs created so far.</summary>
    public abstract IReadOnlyList<KvmVcpu> Vcpus { get; }

    /// <summary>
    /// <c>KVM_SET_USER_MEMORY_REGION</c>: create, delete (<paramref name="memorySize"/> 0), move
    /// or change the flags of slot <paramref name="slot"/> (bits 16 and up: address space). The
    /// VM's memory behind a new slot is reserved from host memory (the VMM's <c>mmap</c>).
    /// Validation follows KVM: unaligned or wrapping ranges, unknown flags, resizing a slot or
    /// toggling its read-only flag, and GFNs beyond the MMU's reach are EINVAL; overlapping
    /// another slot is EEXIST. Every committed change bumps the memslot generation.
    /// </summary>
    /// <exception cref="KvmException">The ioctl would fail; nothing changed.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027", Justification = "The shipped signature keeps its optional flags; the overload taking VMM memory has no optional parameter, so no call can bind differently.")]
    public abstract void SetUserMemoryRegion(uint slot, ulong guestPhysAddr, ulong memorySize, KvmMemFlags flags = KvmMemFlags.None);

    /// <inheritdoc/>
    public VmmMemory MapMemory(ulong size)
    {
        ThrowIfBugged();
        return SimulatedVmmMemory.Map(this, Kvm.Memory, size);
    }

    /// <inheritdoc/>
    public void SetUserMemoryRegion(uint slot, ulong guestPhysAddr, ulong memorySize, KvmMemFlags flags, VmmMemory memory, ulong memoryOffset)
    {
        ArgumentNullException.ThrowIfNull(memory);
        if (memory is not SimulatedVmmMemory own || own.Vm != this)
        {
            throw new ArgumentException("The memory was mapped for another VM (its MMU notifier watches that VM only).", nameof(memory));
        }

        memory.CheckSlot(memorySize, memoryOffset);
        ChangeMemoryRegion(slot, guestPhysAddr, memorySize, flags, (own.Backing, memoryOffset >> HostMemory.PageShift));
    }

    /// <summary>The change both overloads of <see cref="SetUserMemoryRegion(uint, ulong, ulong, KvmMemFlags)"/> make: with <paramref name="memory"/> null, fresh memory for a new slot.</summary>
    private protected abstract void ChangeMemoryRegion(uint slot, ulong guestPhysAddr, ulong memorySize, KvmMemFlags flags, (GuestRamBacking Backing, ulong Offset)? memory);

    /// <summary><c>KVM_CREATE_VCPU</c>.</summary>
    public abstract KvmVcpu CreateVcpu(int id);

    /// <summary>
    /// <c>KVM_GET_DIRTY_LOG</c>: returns the slot's dirty bitmap (bit i = page i). Without manual
    /// protection it also clears the bitmap and write-protects the pages that were dirty; with it
    /// (<see cref="EnableManualDirtyLogProtect"/>) the bitmap is only copied.
    /// </summary>
    /// <exception cref="KvmException">ENOENT: the slot does not exist or does not log dirty pages (as <c>kvm_get_dirty_log</c>); EINVAL: the slot id or address space is out of range.</exception>
    public abstract ulong[] GetDirtyLog(uint slot);

    /// <inheritdoc/>
    IKvmVcpu IKvmVm.CreateVcpu(int id) => CreateVcpu(id);

    /// <summary>The simulated VM holds no descriptor or mapping of the machine's; nothing to release.</summary>
    void IDisposable.Dispose()
    {
    }

    /// <summary>
    /// <c>KVM_ENABLE_CAP(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2)</c>: sets the VM's manual-protect mode
    /// (<see cref="KvmDirtyLogManualProtect.None"/> turns it off). KVM accepts it at any time;
    /// <see cref="KvmDirtyLogManualProtect.InitiallySet"/> takes effect for slots that start
    /// logging afterwards.
    /// </summary>
    /// <exception cref="KvmException">EINVAL: an unknown bit, or <see cref="KvmDirtyLogManualProtect.InitiallySet"/> without <see cref="KvmDirtyLogManualProtect.ManualProtectEnable"/>.</exception>
    public abstract void EnableManualDirtyLogProtect(KvmDirtyLogManualProtect options);

    /// <summary>
    /// <c>KVM_CLEAR_DIRTY_LOG</c>: clears the bits set in <paramref name="bitmap"/> (bit i = page
    /// <paramref name="firstPage"/> + i) from the slot's dirty bitmap for pages
    /// [<paramref name="firstPage"/>, +<paramref name="numPages"/>), and write-protects exactly the
    /// pages whose bit was set and is now clear, so their next write is logged again. Works with
    /// or without manual protection, as in KVM.
    /// </summary>
    /// <exception cref="KvmException">EINVAL: the slot id or address space is out of range, <paramref name="firstPage"/> is not a multiple of 64, the range leaves the slot, or <paramref name="numPages"/> is not a multiple of 64 and stops short of the slot's end; ENOENT: the slot does not exist or does not log dirty pages; EFAULT: <paramref name="bitmap"/> is shorter than <paramref name="numPages"/> bits rounded up to 64.</exception>
    public abstract void ClearDirtyLog(uint slot, ulong firstPage, ReadOnlySpan<ulong> bitmap, uint numPages);

    /// <summary>The MMU notifier's invalidation of guest range [<paramref name="gpa"/>, +<paramref name="size"/>) (the host reclaimed the memory).</summary>
    public abstract void UnmapGuestRange(ulong gpa, ulong size);

    /// <summary>The MMU notifier's aging: whether the range was accessed since the last call, clearing the accessed bits.</summary>
    public abstract bool AgeGuestRange(ulong gpa, ulong size);

    /// <summary>
    /// The host replaces the page behind <paramref name="gpa"/> with a copy — a KSM merge
    /// (<paramref name="shareReadOnly"/>: the copy is read-only to the guest until it writes) or
    /// a migration — and tells KVM through the change-pte notifier.
    /// </summary>
    public abstract void ReplaceHostPage(ulong gpa, bool shareReadOnly);

    /// <summary>
    /// One pass of KVM's NX huge page recovery thread (<c>kvm-nx-lpage-recovery</c>, which runs
    /// every <c>nx_huge_pages_recovery_period_ms</c>): zaps 1/<see cref="KvmModuleParams.NxHugePagesRecoveryRatio"/>
    /// of the tables instruction fetches split (<see cref="MmuStat.NxLpageSplits"/>), oldest first,
    /// so the next data access there maps a huge page again.
    /// </summary>
    /// <returns>How many tables were zapped; 0 without <see cref="KvmModuleParams.NxHugePages"/>.</returns>
    public abstract int RecoverNxHugePages();

    /// <summary>Checks the MMU's invariants, accounting for every vCPU's page cache.</summary>
    public abstract MmuInvariantReport CheckInvariants();

    /// <summary>Reads guest memory through the memslots (KVM's <c>kvm_read_guest</c>; what the VMM sees through its mapping).</summary>
    /// <exception cref="KvmException">EFAULT: part of the range has no memslot.</exception>
    public void ReadGuestMemory(ulong gpa, Span<byte> destination)
    {
        ThrowIfBugged();
        for (var done = 0; done < destination.Length;)
        {
            var (hpa, chunk) = Translate(gpa + (ulong)done, destination.Length - done);
            Kvm.Memory.Read(hpa, destination.Slice(done, chunk));
            done += chunk;
        }
    }

    /// <summary>Writes guest memory through the memslots (KVM's <c>kvm_write_guest</c>).</summary>
    /// <exception cref="KvmException">EFAULT: part of the range has no memslot.</exception>
    public void WriteGuestMemory(ulong gpa, ReadOnlySpan<byte> source)
    {
        ThrowIfBugged();
        for (var done = 0; done < source.Length;)
        {
            PrepareHostWrite(gpa + (ulong)done);
            var (hpa, chunk) = Translate(gpa + (ulong)done, source.Length - done);
            Kvm.Memory.Write(hpa, source.Slice(done, chunk));
            done += chunk;
        }
    }

    /// <summary>KVM answers every ioctl on a bugged VM with EIO.</summary>
    /// <exception cref="KvmException">EIO: the VM is bugged.</exception>
    internal void ThrowIfBugged()
    {
        if (Bugged)
        {
            throw new KvmException(KvmErrno.EIO, "the VM is bugged (an MMU inconsistency was found earlier); every call on it fails.");
        }
    }

    /// <summary>The VMM's store faults the page in as the host's own first (the zero page or a KSM page is replaced, and the MMU told).</summary>
    private void PrepareHostWrite(ulong gpa)
    {
        var gfn = gpa >> HostMemory.PageShift;
        if (Memslots.GfnToMemslot(0, gfn) is { } slot)
        {
            slot.Backing.PrepareWrite(slot.BackingIndex(gfn));
        }
    }

    private (ulong Hpa, int Chunk) Translate(ulong gpa, int remaining)
    {
        var gfn = gpa >> HostMemory.PageShift;
        var slot = Memslots.GfnToMemslot(0, gfn) ?? throw new KvmException(KvmErrno.EFAULT, $"GPA 0x{gpa:X} has no memslot.");
        var offset = (int)(gpa & (HostMemory.PageSize - 1));
        return ((slot.HostPteOf(gfn).Pfn << HostMemory.PageShift) + (ulong)offset, Math.Min(remaining, HostMemory.PageSize - offset));
    }
}

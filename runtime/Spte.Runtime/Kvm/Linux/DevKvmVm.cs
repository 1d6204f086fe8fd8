using System;
using System.Collections.Generic;
using System.Linq;
using Spte.Runtime.Memslots;

namespace Spte.Runtime.Linux;

/// <summary>A VM on the real KVM: its descriptor, the memory the backend mapped for each slot, and its vCPUs.</summary>
internal sealed unsafe class DevKvmVm : IKvmVm
{
    private const ulong PageSize = 4096;

    private readonly DevKvm _kvm;
    private readonly Fd _fd;
    private readonly Dictionary<uint, MappedSlot> _slots = [];
    private readonly List<DevKvmVcpu> _vcpus = [];
    private readonly HostMapping _runner;

    internal DevKvmVm(DevKvm kvm, Fd fd)
    {
        _kvm = kvm;
        _fd = fd;
        _runner = HostMapping.Anonymous(RunnerLayout.Size);
        try
        {
            GuestCode.Stubs().CopyTo(Runner(RunnerLayout.MoreStub, (int)(RunnerLayout.HaltStub - RunnerLayout.MoreStub + 16)));
            SetRegion(kvm.RunnerSlot, RunnerLayout.Base, RunnerLayout.Size, KvmMemFlags.None, (ulong)_runner.Address);
            IdentityMap = new IdentityMap(this);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The guest's page tables, shared by the VM's vCPUs.</summary>
    internal IdentityMap IdentityMap { get; } = null!;

    /// <inheritdoc/>
    public void SetUserMemoryRegion(uint slot, ulong guestPhysAddr, ulong memorySize, KvmMemFlags flags = KvmMemFlags.None)
    {
        _slots.TryGetValue(slot, out var old);

        // A new slot gets fresh memory the backend owns; a change keeps the slot's memory, as a VMM passes the same userspace_addr.
        var fresh = old is null && memorySize != 0 ? HostMapping.Anonymous(memorySize) : null;
        try
        {
            Change(slot, guestPhysAddr, memorySize, flags, fresh is null ? old : new MappedSlot(slot >> 16, guestPhysAddr, memorySize, fresh, 0, Owned: true));
        }
        catch
        {
            fresh?.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public VmmMemory MapMemory(ulong size)
    {
        ArgumentOutOfRangeException.ThrowIfZero(size);
        return new DevKvmMemory(HostMapping.Anonymous(size));
    }

    /// <inheritdoc/>
    public void SetUserMemoryRegion(uint slot, ulong guestPhysAddr, ulong memorySize, KvmMemFlags flags, VmmMemory memory, ulong memoryOffset)
    {
        ArgumentNullException.ThrowIfNull(memory);
        var own = memory as DevKvmMemory ?? throw new ArgumentException("The memory was mapped by another backend.", nameof(memory));
        memory.CheckSlot(memorySize, memoryOffset);
        Change(slot, guestPhysAddr, memorySize, flags, new MappedSlot(slot >> 16, guestPhysAddr, memorySize, own.Mapping, memoryOffset, Owned: false));
    }

    /// <summary>Issues the ioctl with <paramref name="memory"/>'s address and, once KVM took it, records the slot (and unmaps memory the backend owned for a deleted one).</summary>
    private void Change(uint slot, ulong guestPhysAddr, ulong memorySize, KvmMemFlags flags, MappedSlot? memory)
    {
        if (slot == _kvm.RunnerSlot)
        {
            throw new ArgumentOutOfRangeException(nameof(slot), slot, $"Slot {slot} holds the real backend's guest code.");
        }

        SetRegion(slot, guestPhysAddr, memorySize, flags, memorySize == 0 || memory is null ? 0 : memory.Address);
        _slots.TryGetValue(slot, out var old);
        if (memorySize == 0)
        {
            if (old is not null)
            {
                old.Release();
                _slots.Remove(slot);
            }

            return;
        }

        _slots[slot] = (memory ?? old)! with { Gpa = guestPhysAddr };
    }

    /// <inheritdoc/>
    public IKvmVcpu CreateVcpu(int id)
    {
        var fd = new Fd(_fd.Ioctl(KvmIoctl.CreateVcpu, id, "KVM_CREATE_VCPU"), $"vCPU {id}");
        try
        {
            var vcpu = new DevKvmVcpu(this, id, fd, _kvm);
            _vcpus.Add(vcpu);
            return vcpu;
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public ulong[] GetDirtyLog(uint slot)
    {
        var pages = _slots.TryGetValue(slot, out var mapped) ? mapped.Size / PageSize : 0;
        var bitmap = new ulong[Math.Max(1, (pages + 63) / 64)];
        fixed (ulong* bits = bitmap)
        {
            var log = new KvmDirtyLog { Slot = slot, DirtyBitmap = (nint)bits };
            _fd.Ioctl(KvmIoctl.GetDirtyLog, ref log, $"KVM_GET_DIRTY_LOG(slot {slot})");
        }

        return bitmap;
    }

    /// <inheritdoc/>
    public void EnableManualDirtyLogProtect(KvmDirtyLogManualProtect options)
    {
        var cap = new KvmEnableCap { Cap = KvmIoctl.CapManualDirtyLogProtect2, Arg0 = (ulong)options };
        _fd.Ioctl(KvmIoctl.EnableCap, ref cap, $"KVM_ENABLE_CAP(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, {options})");
    }

    /// <inheritdoc/>
    public void ClearDirtyLog(uint slot, ulong firstPage, ReadOnlySpan<ulong> bitmap, uint numPages)
    {
        using var copy = HostMapping.GuardedCopy(System.Runtime.InteropServices.MemoryMarshal.AsBytes(bitmap), out var start);
        var clear = new KvmClearDirtyLog { Slot = slot, NumPages = numPages, FirstPage = firstPage, DirtyBitmap = start };
        _fd.Ioctl(KvmIoctl.ClearDirtyLog, ref clear, $"KVM_CLEAR_DIRTY_LOG(slot {slot}, first page {firstPage}, {numPages} pages)");
    }

    /// <inheritdoc/>
    public void ReadGuestMemory(ulong gpa, Span<byte> destination)
    {
        for (var done = 0; done < destination.Length;)
        {
            var part = Translate(gpa + (ulong)done, destination.Length - done);
            part.CopyTo(destination[done..]);
            done += part.Length;
        }
    }

    /// <inheritdoc/>
    public void WriteGuestMemory(ulong gpa, ReadOnlySpan<byte> source)
    {
        for (var done = 0; done < source.Length;)
        {
            var part = Translate(gpa + (ulong)done, source.Length - done);
            source.Slice(done, part.Length).CopyTo(part);
            done += part.Length;
        }
    }

    /// <summary>Bytes of the runner's slot, as the host sees them.</summary>
    internal Span<byte> Runner(uint gpa, int length) => _runner.Bytes(gpa - RunnerLayout.Base, length);

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var vcpu in _vcpus)
        {
            vcpu.Dispose();
        }

        // KVM drops its references to the memory with the VM; unmap only after the descriptor is closed.
        _fd.Dispose();
        foreach (var slot in _slots.Values)
        {
            slot.Release();
        }

        _slots.Clear();
        _runner.Dispose();
    }

    private void SetRegion(uint slot, ulong gpa, ulong size, KvmMemFlags flags, ulong address)
    {
        var region = new KvmUserspaceMemoryRegion { Slot = slot, Flags = (uint)flags, GuestPhysAddr = gpa, MemorySize = size, UserspaceAddr = address };
        _fd.Ioctl(KvmIoctl.SetUserMemoryRegion, ref region, $"KVM_SET_USER_MEMORY_REGION(slot {slot}, 0x{gpa:X}, 0x{size:X}, {flags})");
    }

    /// <summary>The VMM's view of the bytes at <paramref name="gpa"/>, up to the end of its page (a page is never split between slots).</summary>
    private Span<byte> Translate(ulong gpa, int remaining)
    {
        var slot = _slots.Values.FirstOrDefault(s => s.AsId == 0 && gpa >= s.Gpa && gpa - s.Gpa < s.Size)
            ?? throw new KvmException(KvmErrno.EFAULT, $"GPA 0x{gpa:X} has no memslot.");
        var length = (int)Math.Min((ulong)remaining, PageSize - (gpa & (PageSize - 1)));
        return slot.Memory.Bytes(slot.Offset + (gpa - slot.Gpa), length);
    }

    /// <summary>A slot as the backend passed it to KVM: its memory, the offset into it, and whether the backend mapped that memory itself (and so unmaps it with the slot).</summary>
    private sealed record MappedSlot(uint AsId, ulong Gpa, ulong Size, HostMapping Memory, ulong Offset, bool Owned)
    {
        public ulong Address => (ulong)Memory.Address + Offset;

        public void Release()
        {
            if (Owned)
            {
                Memory.Dispose();
            }
        }
    }
}

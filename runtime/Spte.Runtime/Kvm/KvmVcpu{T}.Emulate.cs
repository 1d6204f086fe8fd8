using System;
using Spte.Runtime.Hardware;
using Spte.Runtime.Memory;

namespace Spte.Runtime;

/// <summary>The emulator and the MMIO exit to userspace.</summary>
public sealed partial class KvmVcpu<T>
{
    /// <summary>
    /// KVM's emulator (<c>x86_emulate_instruction</c> → <c>emulator_read_write</c>): RAM is
    /// accessed directly (a read-only slot's pages can be read); anything else is MMIO and exits
    /// to userspace. An instruction fetch from MMIO cannot be emulated.
    /// </summary>
    private KvmExitReason? Emulate(ulong gpa, int size)
    {
        Stats.Increment(VcpuStat.Emulations);
        var kind = _current!.Kind;
        var gfn = gpa >> HostMemory.PageShift;
        var slot = _vm.Memslots.GfnToMemslot(AsId, gfn);
        if (slot is not null && !(kind == GuestAccessKind.Write && slot.IsReadOnly))
        {
            if (kind == GuestAccessKind.Write)
            {
                // The emulator stores through the VMM's mapping (kvm_vcpu_write_guest), so the host page becomes writable first.
                slot.Backing.PrepareWrite(slot.BackingIndex(gfn));
            }

            AccessRam((slot.HostPteOf(gfn).Pfn << HostMemory.PageShift) + (gpa & (HostMemory.PageSize - 1)), size);
            Record(VcpuEventKind.Emulated, gpa, $"KVM emulated the {kind.ToString().ToLowerInvariant()} against {slot}");
            if (kind == GuestAccessKind.Write)
            {
                // emulator_write_phys: the page is logged and shadow pages of a guest table it holds drop the written entries.
                slot.MarkPageDirty(gfn);
                _vm.Mmu.TrackWrite(AsId, gpa, size);
            }

            Advance(size);
            return null;
        }

        if (kind == GuestAccessKind.Fetch)
        {
            RunData.InternalError = $"instruction fetch from MMIO at GPA 0x{gpa:X} cannot be emulated";
            Record(VcpuEventKind.InternalError, gpa, RunData.InternalError);
            return Exit(KvmExitReason.InternalError);
        }

        return MmioExit(gpa, size, slot is null ? "MMIO" : $"write to read-only {slot}");
    }

    private KvmExitReason MmioExit(ulong gpa, int size, string why)
    {
        var isWrite = _current!.Kind == GuestAccessKind.Write;
        var value = isWrite ? PartOfValue(_current.Value, _done, size) : 0;
        RunData.Mmio.Set(gpa, size, isWrite, value);
        _pendingMmio = true;
        Stats.Increment(VcpuStat.MmioExits);
        Record(VcpuEventKind.MmioExit, gpa, $"KVM_EXIT_MMIO ({why}): {(isWrite ? "write" : "read")} {size} bytes{(isWrite ? $" = 0x{value:X}" : string.Empty)}");
        return Exit(KvmExitReason.Mmio);
    }

    private void CompleteMmio()
    {
        _pendingMmio = false;
        var mmio = RunData.Mmio;
        if (!mmio.IsWrite)
        {
            _value |= PartOfValue(mmio.Value, 0, mmio.Len) << (8 * _done);
        }

        Record(VcpuEventKind.MmioCompleted, mmio.PhysAddr, mmio.IsWrite ? "userspace handled the write" : $"userspace returned 0x{PartOfValue(mmio.Value, 0, mmio.Len):X}");
        Advance(mmio.Len);
    }

    /// <summary>Bytes [<paramref name="offset"/>, +<paramref name="size"/>) of a little-endian value.</summary>
    private static ulong PartOfValue(ulong value, int offset, int size) =>
        (value >> (8 * offset)) & (size == sizeof(ulong) ? ulong.MaxValue : (1UL << (8 * size)) - 1);
}

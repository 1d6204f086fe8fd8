using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using Spte.Runtime.Hardware;

namespace Spte.Runtime.Conformance;

/// <summary>
/// Runs a <see cref="Scenario"/> on a backend and logs everything KVM's API lets a VMM observe:
/// each call's errno, each exit (MMIO with address, length and data), the value each guest load
/// returned, host loads and dirty bitmaps. Two backends agree when their logs are equal.
/// </summary>
public static class ScenarioRunner
{
    /// <summary>The most exits one guest step may take before the run is stopped (a guest that never halts must not hang the caller).</summary>
    public const int ExitBudget = 10_000;

    /// <summary>Runs <paramref name="scenario"/> on a fresh VM of <paramref name="kvm"/>.</summary>
    /// <exception cref="NotSupportedException">The backend cannot run one of the steps (the message says which).</exception>
    public static IReadOnlyList<string> Run(IKvm kvm, Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(kvm);
        ArgumentNullException.ThrowIfNull(scenario);
        var log = new List<string>();
        var memories = new Dictionary<int, VmmMemory>();
        try
        {
            RunSteps(kvm, scenario, log, memories);
        }
        finally
        {
            // After the VM is closed (KVM drops its references), as a VMM unmaps its memory last.
            foreach (var memory in memories.Values)
            {
                memory.Dispose();
            }
        }

        return log;
    }

    private static void RunSteps(IKvm kvm, Scenario scenario, List<string> log, Dictionary<int, VmmMemory> memories)
    {
        using var vm = kvm.CreateVm();
        IKvmVcpu? vcpu = null;
        Span<byte> bytes = stackalloc byte[8];
        foreach (var step in scenario.Steps)
        {
            try
            {
                switch (step)
                {
                    case SetSlotStep s:
                        vm.SetUserMemoryRegion(s.Slot, s.Gpa, s.Size, s.Flags);
                        log.Add($"{s}: ok");
                        break;
                    case GuestStep g:
                        vcpu ??= vm.CreateVcpu(0);
                        RunGuest(vcpu, g, log);
                        break;
                    case HostWriteStep w:
                        BinaryPrimitives.WriteUInt64LittleEndian(bytes, w.Value);
                        vm.WriteGuestMemory(w.Gpa, bytes[..w.Size]);
                        log.Add($"{w}: ok");
                        break;
                    case HostReadStep r:
                        bytes.Clear();
                        vm.ReadGuestMemory(r.Gpa, bytes[..r.Size]);
                        log.Add($"{r}: 0x{BinaryPrimitives.ReadUInt64LittleEndian(bytes):X}");
                        break;
                    case MapMemoryStep map:
                        memories.Add(map.Memory, vm.MapMemory(map.Size));
                        log.Add($"{map}: ok");
                        break;
                    case SetSlotOnStep on:
                        vm.SetUserMemoryRegion(on.Slot, on.Gpa, on.Size, on.Flags, Memory(memories, on.Memory), on.Offset);
                        log.Add($"{on}: ok");
                        break;
                    case MemoryWriteStep mw:
                        BinaryPrimitives.WriteUInt64LittleEndian(bytes, mw.Value);
                        Memory(memories, mw.Memory).Write(mw.Offset, bytes[..mw.Size]);
                        log.Add($"{mw}: ok");
                        break;
                    case MemoryReadStep mr:
                        bytes.Clear();
                        Memory(memories, mr.Memory).Read(mr.Offset, bytes[..mr.Size]);
                        log.Add($"{mr}: 0x{BinaryPrimitives.ReadUInt64LittleEndian(bytes):X}");
                        break;
                    case ManualProtectStep m:
                        vm.EnableManualDirtyLogProtect(m.Options);
                        log.Add($"{m}: ok");
                        break;
                    case ClearDirtyLogStep c:
                        vm.ClearDirtyLog(c.Slot, c.FirstPage, c.Bitmap.ToArray(), c.NumPages);
                        log.Add($"{c}: ok");
                        break;
                    case DirtyLogStep d:
                        log.Add($"{d}: {string.Join(' ', vm.GetDirtyLog(d.Slot).Select(word => $"0x{word:X}"))}");
                        break;
                }
            }
            catch (KvmException e)
            {
                log.Add($"{step}: {e.Errno}");
            }
            catch (ArgumentOutOfRangeException) when (step is SetSlotOnStep or MemoryWriteStep or MemoryReadStep)
            {
                // Both backends refuse a slot or an access that leaves the VMM's mapping before asking KVM.
                log.Add($"{step}: outside the mapping");
            }
        }
    }

    private static VmmMemory Memory(Dictionary<int, VmmMemory> memories, int id) =>
        memories.TryGetValue(id, out var memory) ? memory : throw new ArgumentException($"Memory {id} was not mapped by an earlier MapMemory step.", nameof(id));

    private static void RunGuest(IKvmVcpu vcpu, GuestStep step, List<string> log)
    {
        var first = vcpu.Completed.Count;
        log.Add(step.ToString());
        vcpu.Guest.AddRange(step.Accesses);
        for (var exits = 0; ; exits++)
        {
            if (exits == ExitBudget)
            {
                log.Add($"  stopped after {ExitBudget} exits");
                break;
            }

            var reason = vcpu.Run();
            if (reason == KvmExitReason.Mmio)
            {
                var mmio = vcpu.RunData.Mmio;
                log.Add(mmio.IsWrite
                    ? $"  exit MMIO write 0x{mmio.PhysAddr:X} len {mmio.Len} data 0x{mmio.Value:X}"
                    : $"  exit MMIO read 0x{mmio.PhysAddr:X} len {mmio.Len}");
                if (!mmio.IsWrite)
                {
                    mmio.SetReadValue(Scenario.MmioAnswer(mmio.PhysAddr, mmio.Len));
                }

                continue;
            }

            log.Add($"  exit {reason}");
            break;
        }

        foreach (var done in vcpu.Completed.Skip(first))
        {
            log.Add(done.Access.Kind == GuestAccessKind.Write
                ? $"  done {done.Access}"
                : $"  done {done.Access} = 0x{done.Value:X}");
        }
    }
}

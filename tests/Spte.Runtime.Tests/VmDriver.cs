using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>Runs a vCPU like a VMM's run loop: answers MMIO reads from a device function and records MMIO writes.</summary>
internal static class VmDriver
{
    /// <summary>Runs until the guest halts or a non-MMIO exit; returns that exit.</summary>
    public static KvmExitReason RunToHalt(KvmVcpu vcpu, Func<ulong, ulong>? device = null, List<(ulong Gpa, ulong Value)>? writes = null)
    {
        for (var i = 0; i < 100_000; i++)
        {
            var exit = vcpu.Run();
            if (exit != KvmExitReason.Mmio)
            {
                return exit;
            }

            var mmio = vcpu.RunData.Mmio;
            if (mmio.IsWrite)
            {
                writes?.Add((mmio.PhysAddr, mmio.Value));
            }
            else
            {
                mmio.SetReadValue(device?.Invoke(mmio.PhysAddr) ?? 0);
            }
        }

        Assert.Fail("the vCPU never halted");
        return KvmExitReason.Unknown;
    }

    public static VcpuEventKind[] Kinds(KvmVcpu vcpu) => [.. vcpu.Events.Select(static e => e.Kind)];
}

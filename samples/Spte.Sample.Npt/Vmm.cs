using System.Linq;
using System;
using Spte.Runtime;
using Spte.Runtime.Formats;
using Spte.Runtime.Hardware;
using Spte.Runtime.Mmu;
using Spte.Runtime.X86;

namespace Spte.Sample.Npt;

/// <summary>
/// The sample's userspace: the <c>KVM_RUN</c> loop with a toy UART behind the MMIO exits, and
/// what the sample prints about the vCPU's trace and the NPT entries.
/// </summary>
/// <param name="vm">The VM (AMD: its TDP tables are NPT).</param>
/// <param name="vcpu">The vCPU that runs the guest.</param>
internal sealed class Vmm(KvmVm<NptSpte> vm, KvmVcpu<NptSpte> vcpu)
{
    /// <summary>What the UART's line-status register reads as: transmitter empty.</summary>
    private const ulong UartLineStatusEmpty = 0x60;

    /// <summary>
    /// Runs the guest until it halts, answering MMIO reads with the UART's status, then prints
    /// the trace and what the guest read.
    /// </summary>
    public void Run()
    {
        vcpu.ClearEvents();
        var completedBefore = vcpu.Completed.Count;
        while (vcpu.Run() is var exit && exit != KvmExitReason.Hlt)
        {
            if (exit != KvmExitReason.Mmio)
            {
                throw new InvalidOperationException($"unexpected exit {exit}");
            }

            if (!vcpu.RunData.Mmio.IsWrite)
            {
                vcpu.RunData.Mmio.SetReadValue(UartLineStatusEmpty);
            }
        }

        foreach (var e in vcpu.Events.Where(static e => e.Kind != VcpuEventKind.Halt))
        {
            Console.WriteLine("  " + e);
        }

        var reads = vcpu.Completed.Skip(completedBefore).Where(static c => c.Access.Kind == GuestAccessKind.Read).ToList();
        if (reads.Count > 0)
        {
            Console.WriteLine("  reads: " + string.Join(", ", reads.Select(static c => $"0x{c.Access.Gpa:X}=0x{c.Value:X}")));
        }
    }

    /// <summary>Prints the NPT entries on the path to <paramref name="gpa"/>, root first (<c>kvm_tdp_mmu_get_walk</c>).</summary>
    public void ShowWalk(ulong gpa)
    {
        Console.WriteLine($"  walk to 0x{gpa:X}:");
        foreach (var (level, spte) in vcpu.WalkSptes(gpa))
        {
            Console.WriteLine($"    level {level} ({PgLevel.Name(level),4}) {Describe(spte, level)}");
        }
    }

    /// <summary>The last NPT entry on the path to <paramref name="gpa"/>: the leaf, the MMIO SPTE or the non-present entry the walk stops at.</summary>
    public (int Level, NptSpte Spte) LastEntry(ulong gpa) => vcpu.WalkSptes(gpa)[^1];

    /// <summary>Prints and returns the result of the MMU's invariant check.</summary>
    public bool CheckInvariants()
    {
        var report = vm.CheckInvariants();
        Console.WriteLine("  " + report);
        return report.Ok;
    }

    /// <summary>Prints the counters that moved.</summary>
    public void ShowCounters()
    {
        foreach (var stat in Enum.GetValues<VcpuStat>().Where(s => vcpu.Stats[s] != 0))
        {
            Console.WriteLine($"  vcpu {stat,-26}{vcpu.Stats[stat],6}");
        }

        foreach (var stat in Enum.GetValues<MmuStat>().Where(s => vm.MmuStats[s] != 0))
        {
            Console.WriteLine($"  mmu  {stat,-26}{vm.MmuStats[stat],6}");
        }
    }

    /// <summary>The entry decoded through the view that fits it (an MMIO SPTE through the Mmio view).</summary>
    public string Describe(NptSpte spte, int level) => spte.Describe(level, vm.MmioMask.IsMmioSpte(spte.Raw));
}

using System;
using Spte.Runtime;
using Spte.Runtime.Hardware;
using Spte.Runtime.Linux;
using Spte.Runtime.Memslots;
using Xunit;

namespace Spte.Conformance.Tests;

/// <summary>The real backend's own guarantees: a guest that never exits cannot hang the caller, and what it cannot run is refused where it is added.</summary>
public sealed class RealBackendTests
{
    [SkippableFact]
    public void A_guest_that_never_exits_is_kicked_out_by_the_watchdog_and_the_vm_still_closes()
    {
        using var vm = (DevKvmVm)Backends.RealOrSkip().CreateVm();
        var vcpu = (DevKvmVcpu)vm.CreateVcpu(0);
        Assert.Equal(KvmExitReason.Hlt, vcpu.Run());

        // The guest resumes after the halt stub's hlt; a jmp $ there spins it in the guest.
        vm.Runner(RunnerLayout.HaltStub + 1, 2)[0] = 0xEB;
        vm.Runner(RunnerLayout.HaltStub + 1, 2)[1] = 0xFE;
        vcpu.Timeout = TimeSpan.FromMilliseconds(300);
        var e = Assert.Throws<TimeoutException>(() => vcpu.Run());
        Assert.Contains("watchdog", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Accesses_the_generated_guest_cannot_make_are_refused_when_added()
    {
        using var vm = Backends.RealOrSkip().CreateVm();
        vm.SetUserMemoryRegion(0, 0, 0x1000, KvmMemFlags.None);
        var vcpu = vm.CreateVcpu(0);
        Assert.Throws<NotSupportedException>(() => vcpu.Guest.Add(GuestAccess.Fetch(0)));
        Assert.Throws<NotSupportedException>(() => vcpu.Guest.Add(GuestAccess.Read(RunnerLayout.Base)));
        Assert.Throws<ArgumentOutOfRangeException>(() => vcpu.Guest.Add(GuestAccess.Read(1UL << Backends.RealOrSkip().GuestMaxPhyAddr)));
        Assert.Equal(0, vcpu.Guest.Count);
        Assert.Equal(GuestAccessKind.Read, GuestAccess.Read(0).Kind);
    }

    [SkippableFact]
    public void The_runner_slot_is_the_backends_own()
    {
        var kvm = Backends.RealOrSkip();
        using var vm = kvm.CreateVm();
        Assert.Throws<ArgumentOutOfRangeException>(() => vm.SetUserMemoryRegion(kvm.RunnerSlot, 0, 0x1000));
        Assert.Equal(KvmErrno.EEXIST, Assert.Throws<KvmException>(() => vm.SetUserMemoryRegion(0, RunnerLayout.Base, 0x1000)).Errno);
    }
}

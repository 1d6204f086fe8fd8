using System;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>Huge page split and the NX huge page mitigation through the front door, as a VMM sets them up.</summary>
public class HugePageVmTests
{
    private const ulong MiB = 1UL << 20;

    [Theory]
    [InlineData(CpuVendor.Intel, true)]
    [InlineData(CpuVendor.Intel, false)]
    [InlineData(CpuVendor.Amd, true)]
    [InlineData(CpuVendor.Amd, false)]
    public void Turning_dirty_logging_on_splits_the_slots_huge_pages_only_with_eager_page_split(CpuVendor vendor, bool eager)
    {
        var vm = new Kvm(new HostCpu(vendor)) { ModuleParams = new KvmModuleParams { EagerPageSplit = eager } }.CreateVm();
        vm.SetUserMemoryRegion(0, 0, 4 * MiB);
        var vcpu = vm.CreateVcpu(0);
        vcpu.Guest.Add(GuestAccess.Write(0x1000, 1)).Add(GuestAccess.Write(0x20_1000, 2));
        VmDriver.RunToHalt(vcpu);
        Assert.Equal(2, vm.MmuStats[MmuStat.Pages2M]);

        vm.SetUserMemoryRegion(0, 0, 4 * MiB, KvmMemFlags.LogDirtyPages);

        Assert.Equal(eager ? 0 : 2, vm.MmuStats[MmuStat.Pages2M]);
        Assert.Equal(eager ? 1024 : 0, vm.MmuStats[MmuStat.Pages4K]);
        Assert.Equal(eager ? 2 : 0, vm.MmuStats[MmuStat.HugePagesSplit]);

        // Either way the next write is logged at 4K.
        vcpu.Guest.Add(GuestAccess.Write(0x3000, 3));
        VmDriver.RunToHalt(vcpu);
        Assert.Equal(1UL << 3, vm.GetDirtyLog(0)[0]);
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Theory]
    [InlineData(CpuVendor.Intel)]
    [InlineData(CpuVendor.Amd)]
    public void A_guest_fetch_splits_a_huge_page_under_nx_huge_pages_and_recovery_merges_it_back(CpuVendor vendor)
    {
        var vm = new Kvm(new HostCpu(vendor)) { ModuleParams = new KvmModuleParams { NxHugePages = true, NxHugePagesRecoveryRatio = 1 } }.CreateVm();
        vm.SetUserMemoryRegion(0, 0, 4 * MiB);
        var vcpu = vm.CreateVcpu(0);
        vcpu.Guest.Add(GuestAccess.Write(0x1000, 1));
        VmDriver.RunToHalt(vcpu);
        Assert.Equal(1, vm.MmuStats[MmuStat.Pages2M]);

        // The large leaf cannot execute: the fetch exits to KVM, which maps 4K.
        vcpu.Guest.Add(GuestAccess.Fetch(0x1000));
        VmDriver.RunToHalt(vcpu);
        Assert.Equal(0, vm.MmuStats[MmuStat.Pages2M]);
        Assert.Equal(1, vm.MmuStats[MmuStat.NxLpageSplits]);

        Assert.Equal(1, vm.RecoverNxHugePages());
        Assert.Equal(0, vm.MmuStats[MmuStat.NxLpageSplits]);
        vcpu.Guest.Add(GuestAccess.Read(0x1000));
        VmDriver.RunToHalt(vcpu);
        Assert.Equal(1, vm.MmuStats[MmuStat.Pages2M]);
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void Without_nx_huge_pages_recovery_does_nothing()
    {
        var vm = new Kvm(HostCpu.Intel).CreateVm();
        Assert.Equal(0, vm.RecoverNxHugePages());
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Nx_huge_pages_outside_the_tdp_mmu_is_refused_at_vm_creation(bool tdp, bool tdpMmu)
    {
        var kvm = new Kvm(HostCpu.Intel) { ModuleParams = new KvmModuleParams { NxHugePages = true, Tdp = tdp, TdpMmu = tdpMmu } };
        Assert.Contains("TDP MMU only", Assert.Throws<NotSupportedException>(() => kvm.CreateVm()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_negative_recovery_ratio_is_refused_where_it_is_set()
    {
        Assert.Throws<ArgumentOutOfRangeException>(static () => new KvmModuleParams { NxHugePagesRecoveryRatio = -1 });
    }
}

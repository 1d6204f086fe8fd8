using System.Collections.Generic;
using System.Linq;
using Spte.Runtime.Formats;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu;
using Xunit;
using static Spte.Runtime.VcpuEventKind;

namespace Spte.Runtime.Tests;

/// <summary>Ordinary VMs: MMIO SPTEs make the second access a misconfiguration (VMX) or an RSVD #NPF (SVM) that KVM emulates into an MMIO exit.</summary>
public class VmFlowTests
{
    private const ulong MiB = 1UL << 20;
    private const ulong Mmio = 0xFEB0_0000;

    [Fact]
    public void Vmx_mmio_goes_through_a_misconfiguration()
    {
        var (vm, vcpu) = Vm(HostCpu.Intel);
        vcpu.Guest.Add(GuestAccess.Write(0x1000, 7)).Add(GuestAccess.Read(Mmio, 4)).Add(GuestAccess.Read(Mmio, 4));
        Assert.Equal(KvmExitReason.Hlt, VmDriver.RunToHalt(vcpu, static gpa => 0x1234));
        Assert.Equal(
            [
                Access, RootLoaded, EptViolation, KvmFault, Translated,
                Access, EptViolation, KvmFault, MmioExit, MmioCompleted,
                Access, EptMisconfig, KvmFault, MmioExit, MmioCompleted,
                Halt,
            ],
            VmDriver.Kinds(vcpu));
        Assert.Equal(0x1234UL, vcpu.Completed[2].Value);
        Assert.Equal(1, vcpu.Stats[VcpuStat.EptMisconfigs]);
        Assert.Equal(2, vcpu.Stats[VcpuStat.MmioExits]);
        Assert.Equal(0, vcpu.Stats[VcpuStat.VirtualizationExceptions]);
        Assert.Equal(1, vm.MmuStats[MmuStat.PfMmioSpteCreated]);
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void Npt_mmio_goes_through_a_reserved_bit_fault()
    {
        var (vm, vcpu) = Vm(HostCpu.Amd);
        vcpu.Guest.Add(GuestAccess.Read(0x1000)).Add(GuestAccess.Write(Mmio, 9, 2)).Add(GuestAccess.Write(Mmio, 10, 2));
        var writes = new List<(ulong, ulong)>();
        Assert.Equal(KvmExitReason.Hlt, VmDriver.RunToHalt(vcpu, writes: writes));
        Assert.Equal(
            [
                Access, RootLoaded, NestedPageFault, KvmFault, Translated,
                Access, NestedPageFault, KvmFault, MmioExit, MmioCompleted,
                Access, NestedPageFault, KvmFault, MmioExit, MmioCompleted,
                Halt,
            ],
            VmDriver.Kinds(vcpu));
        Assert.Contains("Rsvd", vcpu.Events.Where(static e => e.Kind == NestedPageFault).Last().Detail, System.StringComparison.Ordinal);
        Assert.Equal([(Mmio, 9UL), (Mmio, 10UL)], writes);
        Assert.Equal(3, vcpu.Stats[VcpuStat.NestedPageFaults]);
        Assert.Equal(1, vm.MmuStats[MmuStat.PfMmioSpteCreated]);
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Theory]
    [InlineData(CpuVendor.Intel)]
    [InlineData(CpuVendor.Amd)]
    public void An_access_straddling_ram_and_mmio_is_split_at_the_page_boundary(CpuVendor vendor)
    {
        var (vm, vcpu) = Vm(new HostCpu(vendor), ramSize: 2 * MiB);
        vm.WriteGuestMemory((2 * MiB) - 4, [1, 2, 3, 4]);
        vcpu.Guest.Add(GuestAccess.Read((2 * MiB) - 4));
        Assert.Equal(KvmExitReason.Mmio, vcpu.Run());
        Assert.Equal(2 * MiB, vcpu.RunData.Mmio.PhysAddr);
        Assert.Equal(4, vcpu.RunData.Mmio.Len);
        vcpu.RunData.Mmio.SetReadValue(0xAABBCCDD);
        Assert.Equal(KvmExitReason.Hlt, vcpu.Run());
        Assert.Equal(0xAABBCCDD_04030201UL, vcpu.Completed.Single().Value);
    }

    [Fact]
    public void An_access_straddling_two_slots_is_two_translations()
    {
        var (vm, vcpu) = Vm(HostCpu.Intel, ramSize: MiB);
        vm.SetUserMemoryRegion(1, MiB, MiB);
        vcpu.Guest.Add(GuestAccess.Write(MiB - 2, 0xA1B2C3D4, 4)).Add(GuestAccess.Read(MiB - 2, 4));
        Assert.Equal(KvmExitReason.Hlt, VmDriver.RunToHalt(vcpu));
        Assert.Equal(0xA1B2C3D4UL, vcpu.Completed[1].Value);
        var bytes = new byte[4];
        vm.ReadGuestMemory(MiB - 2, bytes);
        Assert.Equal(new byte[] { 0xD4, 0xC3, 0xB2, 0xA1 }, bytes);
        Assert.Equal(4, vcpu.Events.Count(static e => e.Kind == Translated));
    }

    [Fact]
    public void Writes_to_a_read_only_slot_exit_as_mmio_and_reads_see_the_memory()
    {
        var (vm, vcpu) = Vm(HostCpu.Intel);
        vm.SetUserMemoryRegion(1, 0x4000_0000, 0x1000, KvmMemFlags.ReadOnly);
        vm.WriteGuestMemory(0x4000_0000, [0x5A]);
        vcpu.Guest.Add(GuestAccess.Read(0x4000_0000, 1)).Add(GuestAccess.Write(0x4000_0000, 0x77, 1));
        var writes = new List<(ulong, ulong)>();
        Assert.Equal(KvmExitReason.Hlt, VmDriver.RunToHalt(vcpu, writes: writes));
        Assert.Equal(0x5AUL, vcpu.Completed[0].Value);
        Assert.Equal([(0x4000_0000UL, 0x77UL)], writes);
        Assert.Contains("read-only", vcpu.Events.Single(static e => e.Kind == MmioExit).Detail, System.StringComparison.Ordinal);
        var b = new byte[1];
        vm.ReadGuestMemory(0x4000_0000, b);
        Assert.Equal(0x5A, b[0]);
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void An_instruction_fetch_from_mmio_is_an_internal_error()
    {
        var (_, vcpu) = Vm(HostCpu.Intel);
        vcpu.Guest.Add(GuestAccess.Fetch(Mmio));
        Assert.Equal(KvmExitReason.InternalError, vcpu.Run());
        Assert.Contains("fetch", vcpu.RunData.InternalError, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Five_level_tdp_when_the_guest_needs_more_than48_bits()
    {
        var kvm = new Kvm(HostCpu.Intel with { MaxPhyAddr = 52, MaxTdpLevel = 5 });
        Assert.Equal(4, kvm.CreateVm(guestMaxPhyAddr: 48).RootLevel);
        var vm = kvm.CreateVm();
        Assert.Equal(5, vm.RootLevel);
        vm.SetUserMemoryRegion(0, 1UL << 50, 2 * MiB);
        var vcpu = vm.CreateVcpu(0);
        vcpu.Guest.Add(GuestAccess.Write((1UL << 50) + 8, 3)).Add(GuestAccess.Read((1UL << 50) + 8));
        Assert.Equal(KvmExitReason.Hlt, VmDriver.RunToHalt(vcpu));
        Assert.Equal(3UL, vcpu.Completed[1].Value);
        Assert.Equal(5, ((KvmVcpu<EptSpte>)vcpu).Root!.Level);
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void Guest_accesses_are_validated()
    {
        var (_, vcpu) = Vm(HostCpu.Intel);
        Assert.Throws<System.ArgumentOutOfRangeException>(() => vcpu.Guest.Add(new GuestAccess(Hardware.GuestAccessKind.Read, 0, 3)));
        Assert.Throws<System.ArgumentOutOfRangeException>(() => vcpu.Guest.Add(GuestAccess.Read(1UL << 46)));
    }

    [Fact]
    public void Host_memory_exhaustion_surfaces_from_run_and_the_vm_recovers()
    {
        var kvm = new Kvm(HostCpu.Intel, pageTableBudget: 44);
        var vm = kvm.CreateVm();
        vm.SetUserMemoryRegion(0, 0, 2 * MiB);
        var a = vm.CreateVcpu(0);
        var b = vm.CreateVcpu(1);
        a.Guest.Add(GuestAccess.Read(0));
        VmDriver.RunToHalt(a);
        b.Guest.Add(GuestAccess.Read(0x1000));
        Assert.Throws<Memory.HostMemoryExhaustedException>(() => b.Run());
        vm.CheckInvariants().ThrowIfViolated();
        ((KvmVcpu<EptSpte>)a).Cache.FreeAll();
        Assert.Equal(KvmExitReason.Hlt, VmDriver.RunToHalt(b));
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void Create_vm_and_vcpu_fail_like_kvm()
    {
        Assert.Equal(KvmErrno.EINVAL, Assert.Throws<KvmException>(() => new Kvm(HostCpu.Amd).CreateVm(KvmVmType.Tdx)).Errno);
        Assert.Equal(KvmErrno.EINVAL, Assert.Throws<KvmException>(() => new Kvm(HostCpu.Intel).CreateVm(guestMaxPhyAddr: 47)).Errno);
        var vm = new Kvm(HostCpu.Intel).CreateVm();
        vm.CreateVcpu(0);
        Assert.Equal(KvmErrno.EEXIST, Assert.Throws<KvmException>(() => vm.CreateVcpu(0)).Errno);
        Assert.IsType<KvmVm<NptSpte>>(new Kvm(HostCpu.Amd).CreateVm());
        Assert.IsType<KvmVm<EptSpte>>(vm);
    }

    private static (KvmVm Vm, KvmVcpu Vcpu) Vm(HostCpu cpu, ulong ramSize = 64 * MiB)
    {
        var vm = new Kvm(cpu).CreateVm();
        vm.SetUserMemoryRegion(0, 0, ramSize);
        return (vm, vm.CreateVcpu(0));
    }
}

using System.Linq;
using Spte.Runtime.Formats;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu;
using Spte.Runtime.X86;
using Xunit;
using static Spte.Runtime.VcpuEventKind;

namespace Spte.Runtime.Tests;

/// <summary><c>KVM_SET_USER_MEMORY_REGION</c>'s edges, as KVM's <c>kvm_set_memory_region</c> handles them, and what each change does to the MMU.</summary>
public class MemslotTests
{
    private const ulong MiB = 1UL << 20;

    [Theory]
    [InlineData(0u, 0x800UL, 0x1000UL, KvmMemFlags.None)]
    [InlineData(0u, 0x1000UL, 0x800UL, KvmMemFlags.None)]
    [InlineData(0u, 0x1000UL, 0UL, KvmMemFlags.None)]
    [InlineData(2u << 16, 0UL, 0x1000UL, KvmMemFlags.None)]
    [InlineData(40000u, 0UL, 0x1000UL, KvmMemFlags.None)]
    [InlineData(0u, 1UL << 46, 0x1000UL, KvmMemFlags.None)]
    [InlineData(0u, 0UL, 0x1000UL, (KvmMemFlags)4)]
    [InlineData(0u, 0xFFFF_FFFF_FFFF_F000UL, 0x2000UL, KvmMemFlags.None)]
    public void Invalid_requests_are_einval(uint slot, ulong gpa, ulong size, KvmMemFlags flags)
    {
        var vm = new Kvm(HostCpu.Intel).CreateVm();
        Assert.Equal(KvmErrno.EINVAL, Assert.Throws<KvmException>(() => vm.SetUserMemoryRegion(slot, gpa, size, flags)).Errno);
        Assert.Equal(0UL, vm.Memslots.Generation);
    }

    [Fact]
    public void Overlap_is_eexist_and_slots_may_touch()
    {
        var vm = new Kvm(HostCpu.Amd).CreateVm();
        vm.SetUserMemoryRegion(0, MiB, MiB);
        Assert.Equal(KvmErrno.EEXIST, Assert.Throws<KvmException>(() => vm.SetUserMemoryRegion(1, (2 * MiB) - 0x1000, 0x2000)).Errno);
        vm.SetUserMemoryRegion(1, 2 * MiB, MiB);
        vm.SetUserMemoryRegion(2, 0, MiB);
        Assert.Equal(3, vm.Memslots.Slots(0).Count);

        // The same range in the other address space is fine.
        vm.SetUserMemoryRegion((1 << 16) | 0, MiB, MiB);
        Assert.Single(vm.Memslots.Slots(1));
    }

    [Fact]
    public void An_existing_slot_cannot_be_resized_or_made_read_only()
    {
        var vm = new Kvm(HostCpu.Intel).CreateVm();
        vm.SetUserMemoryRegion(0, 0, MiB);
        Assert.Equal(KvmErrno.EINVAL, Assert.Throws<KvmException>(() => vm.SetUserMemoryRegion(0, 0, 2 * MiB)).Errno);
        Assert.Equal(KvmErrno.EINVAL, Assert.Throws<KvmException>(() => vm.SetUserMemoryRegion(0, 0, MiB, KvmMemFlags.ReadOnly)).Errno);
    }

    [Fact]
    public void Every_change_bumps_the_generation_and_a_no_op_does_not()
    {
        var vm = new Kvm(HostCpu.Intel).CreateVm();
        vm.SetUserMemoryRegion(0, 0, MiB);
        vm.SetUserMemoryRegion(0, 0, MiB);
        Assert.Equal(1UL, vm.Memslots.Generation);
        vm.SetUserMemoryRegion(0, 0, MiB, KvmMemFlags.LogDirtyPages);
        vm.SetUserMemoryRegion(0, 4 * MiB, MiB, KvmMemFlags.LogDirtyPages);
        vm.SetUserMemoryRegion(0, 4 * MiB, 0);
        Assert.Equal(4UL, vm.Memslots.Generation);
        Assert.Empty(vm.Memslots.Slots(0));
    }

    [Fact]
    public void Deleting_a_slot_zaps_it_and_the_gpa_becomes_mmio()
    {
        var vm = new Kvm(HostCpu.Intel).CreateVm();
        vm.SetUserMemoryRegion(0, 0, MiB);
        var vcpu = vm.CreateVcpu(0);
        vcpu.Guest.Add(GuestAccess.Read(0x3000));
        VmDriver.RunToHalt(vcpu);
        vm.SetUserMemoryRegion(0, 0, 0);
        vm.CheckInvariants().ThrowIfViolated();
        vcpu.ClearEvents();
        vcpu.Guest.Add(GuestAccess.Read(0x3000));
        Assert.Equal(KvmExitReason.Mmio, vcpu.Run());
        Assert.Equal([Access, RootLoaded, EptViolation, KvmFault, MmioExit], VmDriver.Kinds(vcpu));
        Assert.Equal(2, vm.MmuStats[MmuStat.RootsAllocated]);
    }

    [Fact]
    public void Moving_a_slot_carries_its_memory()
    {
        var vm = new Kvm(HostCpu.Amd).CreateVm();
        vm.SetUserMemoryRegion(0, 0, MiB);
        var vcpu = vm.CreateVcpu(0);
        vcpu.Guest.Add(GuestAccess.Write(0x2008, 0xFEED));
        VmDriver.RunToHalt(vcpu);
        vm.SetUserMemoryRegion(0, 8 * MiB, MiB);
        vm.CheckInvariants().ThrowIfViolated();
        vcpu.Guest.Add(GuestAccess.Read((8 * MiB) + 0x2008)).Add(GuestAccess.Read(0x2008));
        Assert.Equal(KvmExitReason.Mmio, vcpu.Run());
        Assert.Equal(0x2008UL, vcpu.RunData.Mmio.PhysAddr);
        Assert.Equal(0xFEEDUL, vcpu.Completed[^1].Value);
    }

    [Fact]
    public void Dirty_log_reports_written_pages_and_rearms()
    {
        var vm = new Kvm(HostCpu.Intel).CreateVm();
        vm.SetUserMemoryRegion(0, 0, 2 * MiB);
        var vcpu = vm.CreateVcpu(0);
        vcpu.Guest.Add(GuestAccess.Write(0x1000, 1)).Add(GuestAccess.Read(0x5000));
        VmDriver.RunToHalt(vcpu);
        Assert.Equal(KvmErrno.ENOENT, Assert.Throws<KvmException>(() => vm.GetDirtyLog(0)).Errno);
        Assert.Equal(KvmErrno.ENOENT, Assert.Throws<KvmException>(() => vm.GetDirtyLog(7)).Errno);
        Assert.Equal(KvmErrno.EINVAL, Assert.Throws<KvmException>(() => vm.GetDirtyLog(KvmMemslots.UserMemSlots)).Errno);

        vm.SetUserMemoryRegion(0, 0, 2 * MiB, KvmMemFlags.LogDirtyPages);
        vcpu.Guest.Add(GuestAccess.Write(0x1000, 2)).Add(GuestAccess.Write(0x3000, 3));
        VmDriver.RunToHalt(vcpu);
        Assert.Equal(0b1010UL, vm.GetDirtyLog(0)[0]);
        Assert.Equal(0UL, vm.GetDirtyLog(0)[0]);

        vcpu.Guest.Add(GuestAccess.Write(0x3000, 4)).Add(GuestAccess.Read(0x1000));
        VmDriver.RunToHalt(vcpu);
        Assert.Equal(0b1000UL, vm.GetDirtyLog(0)[0]);
        Assert.True(vm.MmuStats[MmuStat.PfFast] >= 1);
        vm.CheckInvariants().ThrowIfViolated();

        vm.SetUserMemoryRegion(0, 0, 2 * MiB);
        vcpu.Guest.Add(GuestAccess.Read(0x7000));
        VmDriver.RunToHalt(vcpu);
        Assert.Equal(PgLevel.Pg2M, vm is KvmVm<EptSpte> ept ? ept.Mmu.GetWalk(((KvmVcpu<EptSpte>)vcpu).Root!, 0x7000)[^1].Level : 0);
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void A_wrapping_mmio_generation_zaps_everything()
    {
        var vm = new Kvm(HostCpu.Intel).CreateVm();
        vm.SetUserMemoryRegion(0, 0, MiB);
        var vcpu = vm.CreateVcpu(0);
        vcpu.Guest.Add(GuestAccess.Read(0xFEB0_0000, 4));
        VmDriver.RunToHalt(vcpu);
        vm.Memslots.SkipGenerations(KvmMemslots.MmioSpteGenMask - vm.Memslots.Generation);
        vm.SetUserMemoryRegion(1, 16 * MiB, MiB);
        Assert.Equal(0u, vm.Memslots.MmioGeneration);
        Assert.True(((KvmVcpu<EptSpte>)vcpu).Root!.Invalid);
        vcpu.ClearEvents();
        vcpu.Guest.Add(GuestAccess.Read(0xFEB0_0000, 4));
        VmDriver.RunToHalt(vcpu);
        Assert.Equal([Access, RootLoaded, EptViolation, KvmFault, MmioExit, MmioCompleted, Halt], VmDriver.Kinds(vcpu));
        Assert.Equal(2, vm.MmuStats[MmuStat.RootsAllocated]);
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void Ksm_merge_makes_the_page_read_only_until_the_guest_writes()
    {
        var vm = new Kvm(HostCpu.Amd).CreateVm();
        vm.SetUserMemoryRegion(0, 0x1000, 0x1000);
        var vcpu = vm.CreateVcpu(0);
        vcpu.Guest.Add(GuestAccess.Write(0x1000, 0x99));
        VmDriver.RunToHalt(vcpu);
        vm.ReplaceHostPage(0x1000, shareReadOnly: true);
        vm.CheckInvariants().ThrowIfViolated();
        vcpu.ClearEvents();
        vcpu.Guest.Add(GuestAccess.Read(0x1000)).Add(GuestAccess.Write(0x1000, 0x98)).Add(GuestAccess.Read(0x1000));
        VmDriver.RunToHalt(vcpu);
        Assert.Equal([0x99UL, 0, 0x98UL], vcpu.Completed.TakeLast(3).Select(static c => c.Value));
        Assert.Equal([Access, Translated, Access, NestedPageFault, KvmFault, NestedPageFault, KvmFault, Translated, Access, Translated, Halt], VmDriver.Kinds(vcpu));
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void Aging_sees_guest_accesses()
    {
        var vm = new Kvm(HostCpu.Intel).CreateVm();
        vm.SetUserMemoryRegion(0, 0, MiB);
        var vcpu = vm.CreateVcpu(0);
        vcpu.Guest.Add(GuestAccess.Read(0));
        VmDriver.RunToHalt(vcpu);
        Assert.True(vm.AgeGuestRange(0, MiB));
        Assert.False(vm.AgeGuestRange(0, MiB));
        vcpu.Guest.Add(GuestAccess.Read(0x8000));
        VmDriver.RunToHalt(vcpu);
        Assert.True(vm.AgeGuestRange(0, MiB));
    }
}

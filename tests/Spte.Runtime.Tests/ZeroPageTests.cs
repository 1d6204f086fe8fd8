using Spte.Runtime.Formats;
using Spte.Runtime.Memslots;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>
/// The host page state KVM sees: memory nobody wrote is the zero page (a read fault maps it
/// read-only, the first write faults again); a page written by the VMM or the guest is the
/// host's own, so even a read fault maps it writable — and, in a logged slot, dirty.
/// </summary>
public sealed class ZeroPageTests
{
    private const ulong Slot = 0x10_0000;

    [Theory]
    [InlineData(CpuVendor.Intel)]
    [InlineData(CpuVendor.Amd)]
    public void A_read_of_memory_nobody_wrote_maps_it_read_only_and_the_first_write_faults_again(CpuVendor vendor)
    {
        var (vm, vcpu) = Vm(vendor, KvmMemFlags.None);
        vcpu.Guest.Add(GuestAccess.Read(Slot));
        VmDriver.RunToHalt(vcpu);
        var exitsAfterRead = vcpu.Stats[VcpuStat.Exits];
        Assert.False(IsWritable(vm, vcpu, Slot));

        vcpu.Guest.Add(GuestAccess.Write(Slot, 7));
        VmDriver.RunToHalt(vcpu);
        Assert.True(vcpu.Stats[VcpuStat.Exits] > exitsAfterRead);
        Assert.True(IsWritable(vm, vcpu, Slot));
        Assert.True(vm.CheckInvariants().Ok, vm.CheckInvariants().ToString());
    }

    [Theory]
    [InlineData(CpuVendor.Intel)]
    [InlineData(CpuVendor.Amd)]
    public void In_a_logged_slot_a_read_dirties_a_page_only_once_someone_wrote_it(CpuVendor vendor)
    {
        var (vm, vcpu) = Vm(vendor, KvmMemFlags.LogDirtyPages);
        vm.WriteGuestMemory(Slot + 0x1000, [1, 2, 3, 4]);
        vcpu.Guest.Add(GuestAccess.Read(Slot)).Add(GuestAccess.Read(Slot + 0x1000)).Add(GuestAccess.Write(Slot + 0x2000, 1, 1));
        VmDriver.RunToHalt(vcpu);

        // Page 0: the zero page, mapped read-only, not dirty. Page 1: the VMM's, mapped writable, so KVM marks it dirty (it will not see the writes that follow). Page 2: written.
        Assert.Equal(0b110UL, vm.GetDirtyLog(0)[0]);
        Assert.True(vm.CheckInvariants().Ok, vm.CheckInvariants().ToString());
    }

    [Theory]
    [InlineData(CpuVendor.Intel)]
    [InlineData(CpuVendor.Amd)]
    public void A_write_to_memory_nobody_touched_maps_it_writable_in_one_fault(CpuVendor vendor)
    {
        var (vm, vcpu) = Vm(vendor, KvmMemFlags.None);
        vcpu.Guest.Add(GuestAccess.Write(Slot, 1));
        VmDriver.RunToHalt(vcpu);
        Assert.Equal(1, vcpu.Stats[VcpuStat.Exits]);
        Assert.True(IsWritable(vm, vcpu, Slot));
    }

    [Fact]
    public void A_host_writable_leaf_over_the_zero_page_breaks_an_invariant()
    {
        var (vm, vcpu) = Vm(CpuVendor.Intel, KvmMemFlags.None);
        vcpu.Guest.Add(GuestAccess.Read(Slot));
        VmDriver.RunToHalt(vcpu);
        var ept = (KvmVcpu<EptSpte>)vcpu;
        var leaf = ept.WalkSptes(Slot)[^1].Spte;
        ept.InjectSpte(Slot, EptSpte.FromRaw(leaf.Raw | EptSpte.EptSpteHostWritableMask | (1UL << 1)));

        var report = vm.CheckInvariants();
        Assert.False(report.Ok);
        Assert.Contains(report.Violations, v => v.Contains("the zero page", System.StringComparison.Ordinal));
    }

    private static (KvmVm Vm, KvmVcpu Vcpu) Vm(CpuVendor vendor, KvmMemFlags flags)
    {
        var vm = new Kvm(new HostCpu(vendor)).CreateVm();
        vm.SetUserMemoryRegion(0, Slot, 0x4000, flags);
        return (vm, vm.CreateVcpu(0));
    }

    private static bool IsWritable(KvmVm vm, KvmVcpu vcpu, ulong gpa) => vcpu switch
    {
        KvmVcpu<EptSpte> ept => ept.WalkSptes(gpa)[^1].Spte.Writable,
        KvmVcpu<NptSpte> npt => npt.WalkSptes(gpa)[^1].Spte.Writable,
        _ => throw new System.InvalidOperationException(vm.ToString()),
    };
}

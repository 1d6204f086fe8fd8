using System;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>
/// Dirty logging by the page-modification log (<c>enable_pml</c>): starting to log clears dirty
/// flags instead of write-protecting 4K leafs, the CPU logs each write that sets one, a full log
/// exits, and every exit empties the log into the dirty bitmap.
/// </summary>
public class PmlDirtyLogTests
{
    private const ulong MiB = 1UL << 20;

    [Fact]
    public void Writes_under_pml_are_logged_without_a_fault_and_reads_are_not()
    {
        var (vm, vcpu) = LoggingVm(eagerSplit: true);
        var faults = vm.MmuStats[MmuStat.PfTaken];

        vcpu.Guest.Add(GuestAccess.Write(0x3000, 1, 8)).Add(GuestAccess.Read(0x5000, 8)).Add(GuestAccess.Write(0x20_7000, 2, 8));
        VmDriver.RunToHalt(vcpu);

        Assert.Equal(faults, vm.MmuStats[MmuStat.PfTaken]);
        var log = vm.GetDirtyLog(0);
        Assert.Equal(1UL << 3, log[0]);
        Assert.Equal(1UL << 7, log[8]);
        Assert.Equal(2, CountBits(log));

        // The get cleared the two pages' dirty flags: the next write is logged again, still without a fault.
        vcpu.Guest.Add(GuestAccess.Write(0x3000, 3, 8));
        VmDriver.RunToHalt(vcpu);
        Assert.Equal(1UL << 3, vm.GetDirtyLog(0)[0]);
        Assert.Equal(faults, vm.MmuStats[MmuStat.PfTaken]);
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void A_write_with_the_log_full_exits_empties_the_log_and_runs_again()
    {
        var (vm, vcpu) = LoggingVm(eagerSplit: true);
        for (ulong page = 0; page < 600; page++)
        {
            vcpu.Guest.Add(GuestAccess.Write(page << 12, page, 8));
        }

        VmDriver.RunToHalt(vcpu);

        Assert.Equal(1, vcpu.Stats[VcpuStat.PmlFullExits]);
        Assert.Equal(600, CountBits(vm.GetDirtyLog(0)));
    }

    [Fact]
    public void Without_eager_split_a_large_leaf_is_write_protected_so_writes_into_it_fault_once_per_page_and_are_logged()
    {
        var (vm, vcpu) = LoggingVm(eagerSplit: false);
        Assert.Equal(2, vm.MmuStats[MmuStat.Pages2M]);
        var faults = vm.MmuStats[MmuStat.PfTaken];

        vcpu.Guest.Add(GuestAccess.Write(0x3000, 1, 8)).Add(GuestAccess.Write(0x4000, 2, 8));
        VmDriver.RunToHalt(vcpu);

        // The first write's fault splits the 2M leaf and maps its page writable and logged; the
        // split's other leafs inherit the write protection, so the write next door takes the
        // fast path, which logs it too. The rest of the 2M range keeps faulting once per page.
        Assert.Equal(faults + 2, vm.MmuStats[MmuStat.PfTaken]);
        Assert.Equal(1, vm.MmuStats[MmuStat.PfFast]);
        Assert.Equal((1UL << 3) | (1UL << 4), vm.GetDirtyLog(0)[0]);
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Theory]
    [InlineData(CpuVendor.Amd, true, true)]
    [InlineData(CpuVendor.Intel, false, true)]
    [InlineData(CpuVendor.Intel, true, false)]
    public void Pml_where_it_is_not_modelled_is_refused_when_the_vm_is_made(CpuVendor vendor, bool tdp, bool tdpMmu)
    {
        var kvm = new Kvm(new HostCpu(vendor)) { ModuleParams = new KvmModuleParams { EnablePml = true, Tdp = tdp, TdpMmu = tdpMmu } };

        var error = Assert.Throws<NotSupportedException>(() => kvm.CreateVm());
        Assert.Contains("PML", error.Message, StringComparison.Ordinal);
    }

    /// <summary>An Intel VM with PML whose 4 MiB slot was mapped by two 2M leafs, then started logging.</summary>
    private static (KvmVm Vm, KvmVcpu Vcpu) LoggingVm(bool eagerSplit)
    {
        var vm = new Kvm(HostCpu.Intel) { ModuleParams = new KvmModuleParams { EnablePml = true, EagerPageSplit = eagerSplit } }.CreateVm();
        vm.SetUserMemoryRegion(0, 0, 4 * MiB);
        var vcpu = vm.CreateVcpu(0);
        vcpu.Guest.Add(GuestAccess.Write(0x1000, 1, 8)).Add(GuestAccess.Write(0x20_1000, 2, 8));
        VmDriver.RunToHalt(vcpu);
        vm.SetUserMemoryRegion(0, 0, 4 * MiB, KvmMemFlags.LogDirtyPages);
        return (vm, vcpu);
    }

    private static int CountBits(ulong[] log)
    {
        var bits = 0;
        foreach (var word in log)
        {
            bits += System.Numerics.BitOperations.PopCount(word);
        }

        return bits;
    }
}

using System;
using System.Linq;
using Spte.Runtime.Formats;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>
/// <see cref="KvmModuleParams.ProveMmu"/> (<c>CONFIG_KVM_PROVE_MMU</c>): KVM's <c>is_ept_ve_possible</c>
/// on every SPTE write of an EPT VM, with MMIO SPTEs exempt by what they are.
/// </summary>
public class ProveMmuTests
{
    private const ulong MiB = 1UL << 20;
    private const ulong Mmio = 0xFEB0_0000;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_zap_writing_raw_zero_is_a_kvm_bug_at_the_write_in_both_mmus(bool tdpMmu)
    {
        // A VMX MMIO SPTE (W+X, suppress-#VE clear) is written on the way and passes.
        var vm = MappedVm(KvmVmType.Default, tdpMmu, proveMmu: true);
        Assert.True(Spte<EptSpte>.IsEptVePossible(Last(vm, Mmio)));
        vm.Mmu.ZapValueOverride = static _ => EptSpte.FromRaw(0);

        var bug = Assert.Throws<KvmBugException>(() => vm.UnmapGuestRange(0x5000, 0x1000));

        Assert.Contains("CONFIG_KVM_PROVE_MMU", bug.Message, StringComparison.Ordinal);
        Assert.Equal(KvmErrno.EIO, Assert.Throws<KvmException>(() => vm.CheckInvariants()).Errno);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void With_the_mode_off_the_same_zap_goes_through_and_only_the_invariant_check_sees_it(bool tdpMmu)
    {
        var vm = MappedVm(KvmVmType.Default, tdpMmu, proveMmu: false);
        vm.Mmu.ZapValueOverride = static _ => EptSpte.FromRaw(0);

        vm.UnmapGuestRange(0x5000, 0x1000);

        Assert.False(vm.Mmu.ProveMmu);
        Assert.False(vm.CheckInvariants().Ok);
    }

    [Fact]
    public void In_a_td_mmio_sptes_pass_by_what_they_are_and_a_raw_zero_is_still_caught()
    {
        // Dirty logging maps 0x5000 at 4K: a raw 0 there matches a TD's MMIO pattern (RWX and
        // suppress-#VE clear) and is told apart only by not being GFN 5's MMIO SPTE.
        var vm = MappedVm(KvmVmType.Tdx, tdpMmu: true, proveMmu: true, Memslots.KvmMemFlags.LogDirtyPages);
        Assert.Equal(X86.PgLevel.Pg4K, vm.Mmu.GetWalk(((KvmVcpu<EptSpte>)vm.Vcpus[0]).Root!, 0x5000)[^1].Level);
        Assert.True(vm.MmioMask.IsMmioSpte(0));

        // A TD's MMIO SPTE has suppress-#VE clear on purpose (value 0): KVM's RWX test would flag it.
        var mmio = Last(vm, Mmio);
        Assert.True(Spte<EptSpte>.IsEptVePossible(mmio));
        Assert.NotEqual(EptSpte.WritableMask | EptSpte.ExecutableMask, mmio.Raw & EptSpte.VmxEptRwxMask);
        Assert.True(vm.Mmu.ProveMmu);
        vm.CheckInvariants().ThrowIfViolated();

        vm.Mmu.ZapValueOverride = static p => p == ZapPath.ZapLeafs ? EptSpte.FromRaw(0) : EptSpte.NonPresent;
        Assert.Throws<KvmBugException>(() => vm.UnmapGuestRange(0x5000, 0x1000));
    }

    [Fact]
    public void Npt_vms_never_check_as_no_npt_entry_can_deliver_a_ve()
    {
        var vm = (KvmVm<NptSpte>)new Kvm(HostCpu.Amd) { ModuleParams = new KvmModuleParams { ProveMmu = true } }.CreateVm();
        Assert.False(vm.Mmu.ProveMmu);
        Assert.False(Spte<NptSpte>.IsEptVePossible(NptSpte.FromRaw(0)));
    }

    [Theory]
    [InlineData(KvmVmType.Default, 1, true)]
    [InlineData(KvmVmType.Tdx, 2, true)]
    [InlineData(KvmVmType.Default, 4, false)]
    public void A_normal_randomized_run_trips_no_check(KvmVmType type, int seed, bool tdpMmu)
    {
        // Run checks every invariant after every step; any KVM bug would throw out of it.
        var (vm, vcpus, _) = RandomizedTests.Run(CpuVendor.Intel, type, seed, tdpMmu, proveMmu: true);

        Assert.True(((KvmVm<EptSpte>)vm).Mmu.ProveMmu);
        Assert.True(vm.MmuStats[MmuStat.PfFixed] > 100);
        Assert.Equal(0, vcpus.Sum(static v => v.Stats[VcpuStat.SystemEvents]));
        vm.CheckInvariants().ThrowIfViolated();
    }

    /// <summary>An Intel VM whose guest wrote RAM at 0x5000 (a 2M leaf unless dirty logging) and read MMIO at <see cref="Mmio"/> (an MMIO SPTE).</summary>
    private static KvmVm<EptSpte> MappedVm(KvmVmType type, bool tdpMmu, bool proveMmu, Memslots.KvmMemFlags flags = Memslots.KvmMemFlags.None)
    {
        var kvm = new Kvm(HostCpu.Intel) { ModuleParams = new KvmModuleParams { TdpMmu = tdpMmu, ProveMmu = proveMmu } };
        var vm = (KvmVm<EptSpte>)kvm.CreateVm(type);
        vm.SetUserMemoryRegion(0, 0, 4 * MiB, flags);
        var vcpu = vm.CreateVcpu(0);
        vcpu.Guest.Add(GuestAccess.Write(0x5000, 5)).Add(GuestAccess.Read(Mmio, 4));
        VmDriver.RunToHalt(vcpu);
        vcpu.Guest.Add(GuestAccess.Read(Mmio, 4));
        VmDriver.RunToHalt(vcpu);
        return vm;
    }

    private static EptSpte Last(KvmVm<EptSpte> vm, ulong gpa) =>
        vm.Mmu.GetWalk(((KvmVcpu<EptSpte>)vm.Vcpus[0]).Root!, gpa)[^1].Spte;
}

using System.Linq;
using Spte.Runtime.Formats;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Shadow;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>KVM's legacy MMU over EPT/NPT (<c>tdp_mmu=N</c>): shadow pages, rmaps, drop_spte, zaps.</summary>
public class LegacyMmuTests
{
    private const ulong MiB = 1UL << 20;

    [Theory]
    [InlineData(CpuVendor.Intel)]
    [InlineData(CpuVendor.Amd)]
    public void With_tdp_mmu_off_the_legacy_mmu_builds_the_tables(CpuVendor vendor)
    {
        var vm = LegacyVm(vendor);
        vm.SetUserMemoryRegion(0, 0, 4 * MiB);
        var vcpu = vm.CreateVcpu(0);
        vcpu.Guest.Add(GuestAccess.Write(0x1008, 0x1234_5678));
        vcpu.Guest.Add(GuestAccess.Read(0x1008));
        Assert.Equal(KvmExitReason.Hlt, VmDriver.RunToHalt(vcpu));
        Assert.Equal(0x1234_5678UL, vcpu.Completed[^1].Value);

        var (roots, tdpRoots, hasPages) = vm switch
        {
            KvmVm<EptSpte> ept => (ept.Mmu.Roots.Select(static r => r.TdpMmuPage).ToArray(), ept.Mmu.Tdp.Roots.Count, ept.Mmu.Shadow.HasPages),
            KvmVm<NptSpte> npt => (npt.Mmu.Roots.Select(static r => r.TdpMmuPage).ToArray(), npt.Mmu.Tdp.Roots.Count, npt.Mmu.Shadow.HasPages),
            _ => throw new Xunit.Sdk.XunitException("unexpected VM type"),
        };
        Assert.Equal([false], roots);
        Assert.Equal(0, tdpRoots);
        Assert.True(hasPages);
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void Two_vcpus_load_the_one_root_the_hash_holds_for_gfn_0_and_the_root_role()
    {
        var vm = (KvmVm<EptSpte>)LegacyVm(CpuVendor.Intel);
        vm.SetUserMemoryRegion(0, 0, 4 * MiB);
        var a = (KvmVcpu<EptSpte>)vm.CreateVcpu(0);
        var b = (KvmVcpu<EptSpte>)vm.CreateVcpu(1);
        a.Guest.Add(GuestAccess.Read(0x1000));
        b.Guest.Add(GuestAccess.Read(0x2000));
        VmDriver.RunToHalt(a);
        VmDriver.RunToHalt(b);

        Assert.Same(a.Root, b.Root);
        Assert.Equal(2, a.Root!.RootCount);
        Assert.Equal(new KvmMmuPageRole(PgLevel.Root4Level, 0, Direct: true, SpteAccess.All), a.Root.Role);
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void An_unmap_zaps_through_the_rmap_only_the_leafs_of_its_gfns_and_keeps_the_tables()
    {
        var h = new MmuHarness<EptSpte>(MmioSpteMask.Vmx, maxHugePageLevel: PgLevel.Pg4K, tdpMmu: false);
        h.AddSlot(0, 0, 4 * MiB);
        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x1000));
        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x2000));
        var tables = h.Mmu.Stats[MmuStat.TablesInUse];

        Assert.True(h.Mmu.UnmapGfnRange(0, 1, 2));

        Assert.Equal((PgLevel.Pg4K, EptSpte.NonPresent), h.Last(0x1000));
        Assert.True(h.Last(0x2000).Spte.IsPresent);
        Assert.Equal(tables, h.Mmu.Stats[MmuStat.TablesInUse]);
        Assert.Equal(1, h.Mmu.Stats[MmuStat.Pages4K]);
        h.AssertInvariants();
    }

    [Fact]
    public void Deleting_a_slot_zaps_every_shadow_page_and_the_frames_go_back_after_the_grace_period()
    {
        var vm = (KvmVm<NptSpte>)LegacyVm(CpuVendor.Amd);
        vm.SetUserMemoryRegion(0, 0, 8 * MiB);
        var vcpu = vm.CreateVcpu(0);
        for (var gpa = 0UL; gpa < 8 * MiB; gpa += 2 * MiB)
        {
            vcpu.Guest.Add(GuestAccess.Write(gpa + 0x3000, gpa));
        }

        VmDriver.RunToHalt(vcpu);
        Assert.True(vm.Mmu.Stats[MmuStat.TablesInUse] > 1);

        vm.SetUserMemoryRegion(0, 0, 0);
        vcpu.Guest.Add(GuestAccess.Read(0x3000));
        Assert.Equal(KvmExitReason.Mmio, vcpu.Run());

        // Only the new root (and its path to the MMIO SPTE) is left; the old pages are gone.
        Assert.All(vm.Mmu.Roots, static r => Assert.False(r.Invalid));
        Assert.Single(vm.Mmu.Roots);
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void Dirty_logging_write_protects_through_the_rmap_and_the_fast_path_logs_the_next_write()
    {
        var vm = (KvmVm<EptSpte>)LegacyVm(CpuVendor.Intel);
        vm.SetUserMemoryRegion(0, 0, 4 * MiB, KvmMemFlags.LogDirtyPages);
        var vcpu = vm.CreateVcpu(0);
        vcpu.Guest.Add(GuestAccess.Write(0x5000, 1));
        VmDriver.RunToHalt(vcpu);
        Assert.Equal(1UL << 5, vm.GetDirtyLog(0)[0]);

        var fast = vm.Mmu.Stats[MmuStat.PfFast];
        vcpu.Guest.Add(GuestAccess.Write(0x5000, 2));
        VmDriver.RunToHalt(vcpu);

        Assert.Equal(fast + 1, vm.Mmu.Stats[MmuStat.PfFast]);
        Assert.Equal(1UL << 5, vm.GetDirtyLog(0)[0]);
        Assert.Equal(0UL, vm.GetDirtyLog(0)[0]);
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void A_drop_spte_that_writes_zero_is_the_reviews_bug_and_the_invariant_check_names_it()
    {
        var h = new MmuHarness<EptSpte>(MmioSpteMask.Vmx, tdpMmu: false);
        h.AddSlot(0, 0, 4 * MiB);
        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x1000));
        h.Mmu.ZapValueOverride = static p => p == ZapPath.MmuSpteClearTrackBits ? EptSpte.FromRaw(0) : EptSpte.NonPresent;

        h.Mmu.UnmapGfnRange(0, 0, 512);

        var report = h.Mmu.CheckInvariants([h.Cache]);
        Assert.False(report.Ok);
        Assert.Contains(report.Violations, static v => v.Contains("is not the non-present value", System.StringComparison.Ordinal));
    }

    [Fact]
    public void A_zapped_shadow_page_keeps_its_frame_until_the_grace_period_ends()
    {
        var h = new MmuHarness<EptSpte>(MmioSpteMask.Vmx, maxHugePageLevel: PgLevel.Pg4K, tdpMmu: false);
        h.AddSlot(0, 0, 4 * MiB);
        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x1000));
        var inUse = h.Host.PageTablePagesInUse;

        using (h.Mmu.Rcu.ReadLock())
        {
            // A lockless walker is inside: kvm_mmu_commit_zap_page unlinks, but the frames stay.
            h.Mmu.ZapAllFast();
            Assert.Equal(inUse, h.Host.PageTablePagesInUse);
            Assert.True(h.Mmu.Rcu.Pending > 0);
        }

        h.Mmu.Rcu.Barrier();
        Assert.Equal(0, h.Mmu.Rcu.Pending);
        Assert.True(h.Host.PageTablePagesInUse < inUse);
        h.AssertInvariants();
    }

    [Fact]
    public void A_parentless_shadow_page_stays_in_the_hash_and_the_next_fault_links_it_again()
    {
        var h = new MmuHarness<NptSpte>(MmioSpteMask.Npt(46), maxHugePageLevel: PgLevel.Pg4K, tdpMmu: false);
        h.AddSlot(0, 0, 4 * MiB);
        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x1000));
        var walk = h.Walk(0x1000);
        var pd = h.Mmu.PageOf(walk[^3].Spte.Pfn)!;
        var pt = h.Mmu.PageOf(walk[^2].Spte.Pfn)!;

        // Zapping the page directory drops its link to the page table (mmu_page_zap_pte); the
        // page table, with its leaf still rmapped, waits in the hash without a parent.
        Assert.True(h.Mmu.ZapSp(pd));
        Assert.Equal(0, pt.ParentPtes.Count);
        h.AssertInvariants();

        Assert.Equal(PageFaultResult.Spurious, h.Fault(0x1000));
        Assert.Same(pt, h.Mmu.PageOf(h.Walk(0x1000)[^2].Spte.Pfn));
        Assert.Equal(1, pt.ParentPtes.Count);
        h.AssertInvariants();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void With_prove_ve_a_drop_spte_that_writes_zero_is_an_unexpected_ve_kvm_warns_about(bool injectBug)
    {
        var kvm = new Kvm(HostCpu.Intel) { ModuleParams = new KvmModuleParams { TdpMmu = false, ProveVe = true } };
        var vm = (KvmVm<EptSpte>)kvm.CreateVm();
        vm.SetUserMemoryRegion(0, 0, 4 * MiB);
        var vcpu = vm.CreateVcpu(0);
        vcpu.Guest.Add(GuestAccess.Write(0x1000, 0x77));
        VmDriver.RunToHalt(vcpu);
        if (injectBug)
        {
            vm.Mmu.ZapValueOverride = static p => p == ZapPath.MmuSpteClearTrackBits ? EptSpte.FromRaw(0) : EptSpte.NonPresent;
        }

        // The host reclaims the range (MMU notifier): the legacy MMU drops the leaf through its rmap.
        vm.UnmapGuestRange(0, 4 * MiB);
        vcpu.ClearEvents();
        vcpu.Guest.Add(GuestAccess.Read(0x1000));

        Assert.Equal(KvmExitReason.Hlt, VmDriver.RunToHalt(vcpu));
        Assert.Equal(0x77UL, vcpu.Completed[^1].Value);
        Assert.Equal(injectBug, VmDriver.Kinds(vcpu).Contains(VcpuEventKind.UnexpectedVe));
        Assert.Equal(injectBug ? 1 : 0, vcpu.Stats[VcpuStat.VirtualizationExceptions]);
    }

    [Fact]
    public void A_td_needs_the_tdp_mmu()
    {
        var kvm = new Kvm(HostCpu.Intel) { ModuleParams = new KvmModuleParams { TdpMmu = false } };
        Assert.Equal(KvmErrno.EINVAL, Assert.Throws<KvmException>(() => kvm.CreateVm(KvmVmType.Tdx)).Errno);
    }

    [Fact]
    public void A_pte_list_holds_one_entry_inline_and_more_in_a_list()
    {
        var h = new MmuHarness<EptSpte>(MmioSpteMask.Vmx, tdpMmu: false);
        var list = default(PteList<EptSpte>);
        Sptep<EptSpte> a = new(h.Root, 1), b = new(h.Root, 2), c = new(h.Root, 3);

        list.Add(a);
        Assert.Equal(1, list.Count);
        list.Add(b);
        list.Add(c);
        Assert.Equal([a, b, c], list.ToArray());
        Assert.True(list.Remove(b));
        Assert.False(list.Remove(b));
        Assert.True(list.Remove(a));
        Assert.Equal([c], list.ToArray());
        Assert.True(list.Contains(c));
        Assert.True(list.Remove(c));
        Assert.Equal(0, list.Count);
        Assert.False(list.Remove(c));
    }

    private static KvmVm LegacyVm(CpuVendor vendor) =>
        new Kvm(new HostCpu(vendor)) { ModuleParams = new KvmModuleParams { TdpMmu = false } }.CreateVm();
}

using System;
using System.Linq;
using Spte.Runtime.Formats;
using Spte.Runtime.Mmu;
using Spte.Runtime.X86;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>
/// Shadow paging (<c>ept=N</c>/<c>npt=N</c>): the guest runs on its own 4-level page tables in
/// guest memory; KVM walks them, shadows each guest table, write-protects it, and catches up on
/// the guest's TLB flushes.
/// </summary>
public class ShadowPagingTests
{
    private const ulong MiB = 1UL << 20;
    private const ulong Tables = 0x10_0000;   // the guest's page tables (gpa 1 MiB)
    private const ulong Data = 0x20_0000;     // a data page (gpa 2 MiB)
    private const ulong Other = 0x20_1000;    // another data page
    private const ulong Gva = 0x4000_0000;    // where the guest maps the data page (1 GiB)

    [Theory]
    [InlineData(CpuVendor.Intel)]
    [InlineData(CpuVendor.Amd)]
    public void The_guest_reads_and_writes_through_its_own_page_tables_and_kvm_sets_their_accessed_and_dirty_bits(CpuVendor vendor)
    {
        var (vm, vcpu, pt) = Guest(vendor);
        var leaf = pt.Map(Gva, Data);
        vcpu.Guest.Add(GuestAccess.Write(Gva + 8, 0xC0FFEE));
        vcpu.Guest.Add(GuestAccess.Read(Gva + 8));

        Assert.Equal(KvmExitReason.Hlt, VmDriver.RunToHalt(vcpu));
        Assert.Equal(0xC0FFEEUL, vcpu.Completed[^1].Value);
        Assert.Equal(0xC0FFEEUL, ReadU64(vm, Data + 8));
        Assert.True(pt.Read(leaf).Accessed && pt.Read(leaf).Dirty);
        Assert.True(pt.Read(pt.EntryGpa(Gva, PgLevel.Pg2M)).Accessed);
        Assert.Contains(VcpuEventKind.PageFaultIntercept, VmDriver.Kinds(vcpu));
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void A_shadow_page_per_guest_table_is_found_by_its_gfn_and_only_the_guest_tables_above_the_last_level_are_write_tracked()
    {
        var (vm, vcpu, pt) = Guest(CpuVendor.Amd);
        pt.Map(Gva, Data);
        vcpu.Guest.Add(GuestAccess.Read(Gva));
        VmDriver.RunToHalt(vcpu);

        var shadow = ((KvmVm<NptSpte>)vm).Mmu.Shadow;
        Assert.Equal(Tables >> 12, ((KvmVcpu<NptSpte>)vcpu).Root!.Gfn);
        Assert.False(((KvmVcpu<NptSpte>)vcpu).Root!.Role.Direct);
        Assert.True(shadow.IsWriteTracked(0, Tables >> 12));
        Assert.True(shadow.IsWriteTracked(0, pt.Read(pt.EntryGpa(Gva, PgLevel.Pg1G)).Pfn));
        Assert.False(shadow.IsWriteTracked(0, pt.Read(pt.EntryGpa(Gva, PgLevel.Pg2M)).Pfn));
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void A_guest_store_to_a_table_above_the_last_level_is_emulated_and_zaps_the_entry_it_shadowed()
    {
        var (vm, vcpu, pt) = Guest(CpuVendor.Intel);
        pt.Map(Gva, Data);
        var second = Gva + (2 * MiB);
        pt.Map(second, Other);
        WriteU64(vm, Data, 1);
        WriteU64(vm, Other, 2);
        pt.Map(Tables, Tables);
        pt.Map(Tables + 0x1000, Tables + 0x1000);
        pt.Map(Tables + 0x2000, Tables + 0x2000);
        vcpu.Guest.Add(GuestAccess.Read(Gva));
        VmDriver.RunToHalt(vcpu);

        // The guest points the PDE of Gva at the page table of the second mapping, with a store.
        var pde = pt.EntryGpa(Gva, PgLevel.Pg2M);
        var pdeOfSecond = pt.Read(pt.EntryGpa(second, PgLevel.Pg2M));
        var emulations = vcpu.Stats[VcpuStat.Emulations];
        vcpu.Guest.Add(GuestAccess.Write(pde, pdeOfSecond.Raw));
        vcpu.Guest.Add(GuestAccess.Read(Gva));
        VmDriver.RunToHalt(vcpu);

        Assert.Equal(emulations + 1, vcpu.Stats[VcpuStat.Emulations]);
        Assert.Equal(2UL, vcpu.Completed[^1].Value);
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_guest_store_to_its_last_level_table_unsyncs_it_and_its_tlb_flush_syncs_it(bool flushWithCr3)
    {
        var (vm, vcpu, pt) = Guest(CpuVendor.Intel);
        var leaf = pt.Map(Gva, Data);
        WriteU64(vm, Data, 1);
        WriteU64(vm, Other, 2);
        pt.Map(Tables + 0x3000, leaf & ~0xFFFUL);
        vcpu.Guest.Add(GuestAccess.Read(Gva));
        VmDriver.RunToHalt(vcpu);

        // The guest remaps Gva to the other page by storing into its PT through its own mapping.
        var remapped = GuestPte.FromRaw(pt.Read(leaf).Raw).WithPfn(Other >> 12);
        var emulations = vcpu.Stats[VcpuStat.Emulations];
        vcpu.Guest.Add(GuestAccess.Write(Tables + 0x3000 + (leaf & 0xFFF), remapped.Raw));
        vcpu.Guest.Add(GuestAccess.Read(Gva));
        vcpu.Guest.Add(flushWithCr3 ? GuestAccess.MovToCr3(Tables) : GuestAccess.Invlpg(Gva));
        vcpu.Guest.Add(GuestAccess.Read(Gva));
        VmDriver.RunToHalt(vcpu);

        var mmu = ((KvmVm<NptSpte>)vm).Mmu;
        Assert.Equal(emulations, vcpu.Stats[VcpuStat.Emulations]);
        Assert.Equal(1, mmu.Stats[MmuStat.MmuUnsync]);
        var reads = vcpu.Completed.Where(static c => c.Access.Kind == Hardware.GuestAccessKind.Read).Select(static c => c.Value).ToArray();
        Assert.Equal([1UL, 1UL, 2UL], reads);
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void An_access_the_guest_tables_do_not_allow_is_the_guests_page_fault_and_without_an_idt_a_shutdown()
    {
        var (vm, vcpu, pt) = Guest(CpuVendor.Amd);
        pt.Map(Gva, Data, writable: false);
        vcpu.Guest.Add(GuestAccess.Read(Gva));
        vcpu.Guest.Add(GuestAccess.Write(Gva, 1));

        Assert.Equal(KvmExitReason.Shutdown, vcpu.Run());
        Assert.Single(vcpu.Completed);
        Assert.Equal(1, vcpu.Stats[VcpuStat.GuestPageFaults]);
        Assert.Equal(1, ((KvmVm<NptSpte>)vm).Mmu.Stats[MmuStat.PfGuest]);
        Assert.Equal(VcpuEventKind.GuestPageFault, vcpu.Events[^1].Kind);
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void The_review_s_sync_page_defect_keeps_a_mapping_the_guest_removed()
    {
        foreach (var injected in new[] { false, true })
        {
            var (vm, vcpu, pt) = Guest(CpuVendor.Intel);
            var leaf = pt.Map(Gva, Data);
            pt.Map(Tables + 0x3000, leaf & ~0xFFFUL);
            vcpu.Guest.Add(GuestAccess.Read(Gva));
            VmDriver.RunToHalt(vcpu);
            if (injected)
            {
                // FNAME(sync_page) as the seed patch wrote it: skip every entry that is not the non-present value.
                ((KvmVm<NptSpte>)vm).Mmu.Shadow.SyncPageSkipOverride = static spte => spte.Raw != NptSpte.NonPresent.Raw;
            }

            // The guest unmaps Gva (clears its PTE with a store), reloads CR3, and touches Gva again.
            vcpu.Guest.Add(GuestAccess.Write(Tables + 0x3000 + (leaf & 0xFFF), 0));
            vcpu.Guest.Add(GuestAccess.MovToCr3(Tables));
            vcpu.Guest.Add(GuestAccess.Read(Gva));

            Assert.Equal(injected ? KvmExitReason.Hlt : KvmExitReason.Shutdown, VmDriver.RunToHalt(vcpu));
            if (injected)
            {
                Assert.Contains("is in sync, but entry", string.Join('\n', vm.CheckInvariants().Violations), StringComparison.Ordinal);
            }
            else
            {
                vm.CheckInvariants().ThrowIfViolated();
            }
        }
    }

    [Fact]
    public void A_guest_large_page_gets_a_large_spte_unless_a_guest_table_lies_inside_it()
    {
        var (vm, vcpu, pt) = Guest(CpuVendor.Intel);
        const ulong large = 2 * MiB;
        // Two 2M guest pages: one over gpa 2 MiB (data only), one over gpa 0, which holds the guest's tables (at 1 MiB).
        MapLarge(vm, pt, Gva, Data);
        MapLarge(vm, pt, Gva + large, 0);
        vcpu.Guest.Add(GuestAccess.Read(Gva));
        vcpu.Guest.Add(GuestAccess.Read(Gva + large + 0x5000));
        VmDriver.RunToHalt(vcpu);

        var walk = ((KvmVcpu<NptSpte>)vcpu).WalkSptes(Gva);
        Assert.Equal(PgLevel.Pg2M, walk[^1].Level);
        Assert.Equal(PgLevel.Pg4K, ((KvmVcpu<NptSpte>)vcpu).WalkSptes(Gva + large + 0x5000)[^1].Level);
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void The_invariant_check_reports_an_unsync_page_above_the_last_level_and_a_writable_leaf_over_a_synced_guest_table()
    {
        var (vm, vcpu, pt) = Guest(CpuVendor.Amd);
        var leaf = pt.Map(Gva, Data);
        pt.Map(Tables + 0x3000, leaf & ~0xFFFUL);
        vcpu.Guest.Add(GuestAccess.Read(Gva));
        vcpu.Guest.Add(GuestAccess.Read(Tables + 0x3000));
        VmDriver.RunToHalt(vcpu);
        vm.CheckInvariants().ThrowIfViolated();

        var root = ((KvmVcpu<NptSpte>)vcpu).Root!;
        root.Unsync = true;
        Assert.Contains(vm.CheckInvariants().Violations, static v => v.Contains("is unsync but is not a last-level page", StringComparison.Ordinal));
        root.Unsync = false;

        // Make the leaf that maps the guest's page table writable behind the MMU's back.
        var mapping = ((KvmVcpu<NptSpte>)vcpu).WalkSptes(Tables + 0x3000)[^1].Spte;
        ((KvmVcpu<NptSpte>)vcpu).InjectSpte(Tables + 0x3000, NptSpte.FromRaw(mapping.Raw | NptSpte.WritableMask));
        Assert.Contains(vm.CheckInvariants().Violations, static v => v.Contains("a guest table", StringComparison.Ordinal));
    }

    [Fact]
    public void Control_registers_are_checked_as_kvm_set_sregs_checks_them()
    {
        var (_, vcpu, _) = Guest(CpuVendor.Intel);
        var good = KvmSregs.LongMode(Tables);
        Assert.Equal(KvmErrno.EINVAL, Assert.Throws<KvmException>(() => vcpu.SetSregs(good with { Cr0 = X86Cr0.Pg })).Errno);
        Assert.Equal(KvmErrno.EINVAL, Assert.Throws<KvmException>(() => vcpu.SetSregs(good with { Cr4 = X86Cr4.None })).Errno);
        Assert.Equal(KvmErrno.EINVAL, Assert.Throws<KvmException>(() => vcpu.SetSregs(good with { Efer = X86Efer.Lme })).Errno);
        Assert.Equal(KvmErrno.EINVAL, Assert.Throws<KvmException>(() => vcpu.SetSregs(good with { Cr3 = 1UL << 60 })).Errno);
        Assert.Throws<NotSupportedException>(() => vcpu.SetSregs(good with { Efer = X86Efer.None }));
        Assert.Equal(good, vcpu.GetSregs());

        var tdpVcpu = new Kvm(new HostCpu(CpuVendor.Intel)).CreateVm().CreateVcpu(0);
        Assert.Throws<NotSupportedException>(() => tdpVcpu.SetSregs(good));
        var td = () => new Kvm(new HostCpu(CpuVendor.Intel)) { ModuleParams = new KvmModuleParams { Tdp = false } }.CreateVm(KvmVmType.Tdx);
        Assert.Equal(KvmErrno.EINVAL, Assert.Throws<KvmException>(td).Errno);
    }

    [Fact]
    public void With_paging_off_shadow_paging_maps_guest_physical_addresses_directly()
    {
        var vm = ShadowVm(CpuVendor.Intel);
        vm.SetUserMemoryRegion(0, 0, 4 * MiB);
        var vcpu = (KvmVcpu<NptSpte>)vm.CreateVcpu(0);
        vcpu.Guest.Add(GuestAccess.Write(Data, 7));
        vcpu.Guest.Add(GuestAccess.Read(Data));
        Assert.Equal(KvmExitReason.Hlt, VmDriver.RunToHalt(vcpu));
        Assert.Equal(7UL, vcpu.Completed[^1].Value);
        Assert.True(vcpu.Root!.Role.Direct);
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void A_guest_virtual_access_to_a_gpa_without_a_memslot_exits_to_userspace_with_the_gpa()
    {
        var (vm, vcpu, pt) = Guest(CpuVendor.Amd);
        const ulong mmio = 0x100_0000;
        pt.Map(Gva, mmio + 0x1000);
        vcpu.Guest.Add(GuestAccess.Read(Gva + 0x10, 4));
        Assert.Equal(KvmExitReason.Mmio, vcpu.Run());
        Assert.Equal(mmio + 0x1010, vcpu.RunData.Mmio.PhysAddr);
        vcpu.RunData.Mmio.SetReadValue(0xAB);
        vcpu.Guest.Add(GuestAccess.Read(Gva + 0x10, 4));
        Assert.Equal(KvmExitReason.Mmio, vcpu.Run());
        Assert.Equal(mmio + 0x1010, vcpu.RunData.Mmio.PhysAddr);
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void A_guest_write_in_a_dirty_logged_slot_logs_the_data_page_and_the_guest_tables_kvm_set_bits_in()
    {
        var vm = ShadowVm(CpuVendor.Intel);
        vm.SetUserMemoryRegion(0, 0, 4 * MiB, Memslots.KvmMemFlags.LogDirtyPages);
        var pt = new GuestPageTables(vm, Tables);
        pt.Map(Gva, Data);
        var vcpu = vm.CreateVcpu(0);
        vcpu.SetSregs(KvmSregs.LongMode(Tables));
        vm.GetDirtyLog(0);
        vcpu.Guest.Add(GuestAccess.Write(Gva, 1));
        VmDriver.RunToHalt(vcpu);

        var dirty = vm.GetDirtyLog(0);
        Assert.True((dirty[(int)(Data >> 12) / 64] & (1UL << (int)((Data >> 12) % 64))) != 0);
        Assert.True((dirty[(int)(Tables >> 12) / 64] & (1UL << (int)((Tables >> 12) % 64))) != 0);
        vm.CheckInvariants().ThrowIfViolated();
    }

    private static (KvmVm Vm, KvmVcpu Vcpu, GuestPageTables Pt) Guest(CpuVendor vendor)
    {
        var vm = ShadowVm(vendor);
        vm.SetUserMemoryRegion(0, 0, 4 * MiB);
        var pt = new GuestPageTables(vm, Tables);
        var vcpu = vm.CreateVcpu(0);
        vcpu.SetSregs(KvmSregs.LongMode(Tables));
        return (vm, vcpu, pt);
    }

    private static KvmVm ShadowVm(CpuVendor vendor) =>
        new Kvm(new HostCpu(vendor)) { ModuleParams = new KvmModuleParams { Tdp = false } }.CreateVm();

    private static ulong ReadU64(KvmVm vm, ulong gpa)
    {
        Span<byte> bytes = stackalloc byte[8];
        vm.ReadGuestMemory(gpa, bytes);
        return BitConverter.ToUInt64(bytes);
    }

    /// <summary>Points the PDE of <paramref name="gva"/> (its path made by a 4K map first) at a 2M guest page.</summary>
    private static void MapLarge(KvmVm vm, GuestPageTables pt, ulong gva, ulong gpa)
    {
        pt.Map(gva, gpa);
        var pde = GuestPte.FromRaw(GuestPte.PagePresentMask | GuestPte.WritableMask | GuestPte.PageSizeMask).WithPfn(gpa >> 12);
        WriteU64(vm, pt.EntryGpa(gva, PgLevel.Pg2M), pde.Raw);
    }

    private static void WriteU64(KvmVm vm, ulong gpa, ulong value) => vm.WriteGuestMemory(gpa, BitConverter.GetBytes(value));
}

using Spte.Runtime.Formats;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>Host memory reaches the MMU only through the MMU notifier, as in KVM.</summary>
public class MmuNotifierTests
{
    private const ulong MiB = 1UL << 20;

    [Fact]
    public void Faults_retry_while_an_invalidation_is_in_progress_and_map_after_it_ends()
    {
        var h = new MmuHarness<EptSpte>(MmioSpteMask.Vmx);
        var slot = h.AddSlot(0, 0, 4 * MiB);
        IMmuNotifier notifier = h.Mmu;

        notifier.InvalidateRangeStart(slot.Backing, 1, 2);
        Assert.Equal(PageFaultResult.Retry, h.Mmu.PageFault(h.Root, 0x1000, PageFaultErrorCode.User, h.Cache));
        Assert.False(h.Last(0x1000).Spte.IsPresent);

        notifier.InvalidateRangeEnd(slot.Backing, 1, 2);
        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x1000));
        h.AssertInvariants();
    }

    [Fact]
    public void An_invalidation_holds_off_only_faults_on_its_own_gfns()
    {
        var h = new MmuHarness<EptSpte>(MmioSpteMask.Vmx, maxHugePageLevel: 1);
        var slot = h.AddSlot(0, 0, MiB);
        IMmuNotifier notifier = h.Mmu;

        notifier.InvalidateRangeStart(slot.Backing, 1, 2);
        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x5000));
        Assert.Equal(PageFaultResult.Retry, h.Mmu.PageFault(h.Root, 0x1000, PageFaultErrorCode.User, h.Cache));

        // A second invalidation widens the range to cover both, until the last one ends (KVM's
        // kvm_mmu_invalidate_range_add): GFN 4 lies between them.
        notifier.InvalidateRangeStart(slot.Backing, 7, 8);
        Assert.Equal(PageFaultResult.Retry, h.Mmu.PageFault(h.Root, 0x4000, PageFaultErrorCode.User, h.Cache));
        notifier.InvalidateRangeEnd(slot.Backing, 1, 2);
        Assert.Equal(PageFaultResult.Retry, h.Mmu.PageFault(h.Root, 0x4000, PageFaultErrorCode.User, h.Cache));
        notifier.InvalidateRangeEnd(slot.Backing, 7, 8);

        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x4000));
        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x1000));
        h.AssertInvariants();
    }

    [Fact]
    public void An_invalidation_end_without_its_start_is_a_kvm_bug()
    {
        var h = new MmuHarness<EptSpte>(MmioSpteMask.Vmx);
        var slot = h.AddSlot(0, 0, MiB);
        IMmuNotifier notifier = h.Mmu;

        Assert.Throws<KvmBugException>(() => notifier.InvalidateRangeEnd(slot.Backing, 1, 2));
        Assert.True(h.Mmu.Bugged);
    }

    [Fact]
    public void Invalidate_range_start_zaps_the_gfns_of_every_slot_over_the_backing()
    {
        var h = new MmuHarness<EptSpte>(MmioSpteMask.Vmx, maxHugePageLevel: 1);
        var slot = h.AddSlot(0, 0, MiB);
        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x3000));
        Assert.True(h.Last(0x3000).Spte.IsPresent);
        var seq = h.Mmu.MmuInvalidateSeq;

        IMmuNotifier notifier = h.Mmu;
        notifier.InvalidateRangeStart(slot.Backing, 3, 4);
        notifier.InvalidateRangeEnd(slot.Backing, 3, 4);

        Assert.True(h.Mmu.MmuInvalidateSeq > seq);
        Assert.Equal(EptSpte.NonPresent, h.Last(0x3000).Spte);
        h.AssertInvariants();
    }

    [Fact]
    public void A_write_to_a_page_the_host_shares_read_only_breaks_the_share_on_the_host_side()
    {
        var vm = (KvmVm<EptSpte>)new Kvm(HostCpu.Intel).CreateVm();
        vm.SetUserMemoryRegion(0, 0, MiB);
        var slot = vm.Memslots.GfnToMemslot(0, 2)!;
        vm.ReplaceHostPage(0x2000, shareReadOnly: true);
        var shared = slot.HostPteOf(2);
        Assert.False(shared.Writable);

        var vcpu = vm.CreateVcpu(0);
        vcpu.Guest.Add(GuestAccess.Write(0x2000, 0x55));
        Assert.Equal(KvmExitReason.Hlt, VmDriver.RunToHalt(vcpu));

        var copy = slot.HostPteOf(2);
        Assert.True(copy.Writable);
        Assert.NotEqual(shared.Pfn, copy.Pfn);
        vm.CheckInvariants().ThrowIfViolated();
    }
}

using Spte.Runtime.Formats;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>KVM_BUG_ON: an MMU inconsistency marks the VM bugged, and every later call on it is EIO.</summary>
public class KvmBugTests
{
    private const ulong MiB = 1UL << 20;

    [Fact]
    public void Reserved_bit_fault_on_a_present_non_mmio_spte_marks_the_vm_bugged_and_later_calls_are_eio()
    {
        var vm = (KvmVm<EptSpte>)new Kvm(HostCpu.Intel).CreateVm();
        vm.SetUserMemoryRegion(0, 0, 4 * MiB);
        var vcpu = (KvmVcpu<EptSpte>)vm.CreateVcpu(0);
        // A write, so the leaf is RWX (a read of memory nobody wrote maps the zero page read-only).
        vcpu.Guest.Add(GuestAccess.Write(0x1000, 1));
        Assert.Equal(KvmExitReason.Hlt, VmDriver.RunToHalt(vcpu));
        Assert.False(vm.Mmu.Bugged);

        // Write-only (R and X cleared) is an EPT misconfiguration, but not KVM's MMIO pattern (W+X):
        // handle_mmio_page_fault finds a present SPTE it never made.
        var leaf = vcpu.WalkSptes(0x1000)[^1].Spte;
        vcpu.InjectSpte(0x1000, EptSpte.FromRaw(leaf.Raw & ~0b101UL));
        vcpu.Guest.Add(GuestAccess.Read(0x1000));

        Assert.Throws<KvmBugException>(() => vcpu.Run());
        Assert.True(vm.Mmu.Bugged);
        Assert.Equal(KvmErrno.EIO, Assert.Throws<KvmException>(() => vcpu.Run()).Errno);
        Assert.Equal(KvmErrno.EIO, Assert.Throws<KvmException>(() => vm.SetUserMemoryRegion(1, 8 * MiB, MiB)).Errno);
        Assert.Equal(KvmErrno.EIO, Assert.Throws<KvmException>(() => vm.CreateVcpu(1)).Errno);
        Assert.Equal(KvmErrno.EIO, Assert.Throws<KvmException>(() => vm.ReadGuestMemory(0, new byte[8])).Errno);
        Assert.Equal(KvmErrno.EIO, Assert.Throws<KvmException>(() => vm.CheckInvariants()).Errno);
    }

    [Fact]
    public void Caller_misuse_is_not_a_bug()
    {
        var vm = new Kvm(HostCpu.Intel).CreateVm();
        Assert.Equal(KvmErrno.EINVAL, Assert.Throws<KvmException>(() => vm.SetUserMemoryRegion(0, 1, MiB)).Errno);
        vm.SetUserMemoryRegion(0, 0, MiB);
        Assert.Equal(KvmErrno.EINVAL, Assert.Throws<KvmException>(() => ((KvmVcpu<EptSpte>)vm.CreateVcpu(0)).InjectSpte(0, EptSpte.NonPresent)).Errno);
        Assert.False(((KvmVm<EptSpte>)vm).Mmu.Bugged);
    }

    [Fact]
    public void A_changed_spte_that_breaks_an_invariant_after_the_exchange_marks_the_vm()
    {
        var h = new MmuHarness<EptSpte>(MmioSpteMask.Vmx);
        h.AddSlot(0, 0, 4 * MiB);
        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x1000));

        // A zap that writes a present leaf to another frame: handle_changed_spte sees a present leaf
        // replaced by a present leaf with another PFN after the entry was already written.
        var (_, leaf) = h.Last(0x1000);
        h.Mmu.ZapValueOverride = _ => EptSpte.FromRaw(leaf.Raw ^ (1UL << 30));
        Assert.Throws<KvmBugException>(() => h.Mmu.ZapGfnRange(0, 0, 1));
        Assert.True(h.Mmu.Bugged);
    }

    [Fact]
    public void A_walk_that_reaches_a_freed_table_is_a_kvm_bug()
    {
        var h = new MmuHarness<EptSpte>(MmioSpteMask.Vmx, maxHugePageLevel: 1);
        h.AddSlot(0, 0, 4 * MiB);
        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x1000));

        // The level-1 table goes back to the host while the level-2 entry still points to it.
        var (_, pde) = h.Mmu.Tdp.GetWalk(h.Root, 1)[^2];
        h.Host.FreePageTable(pde.Pfn);

        Assert.Throws<KvmBugException>(() => h.Mmu.ZapGfnRange(0, 0, 1));
        Assert.True(h.Mmu.Bugged);
    }

    [Fact]
    public void An_empty_memory_cache_under_the_mmu_lock_is_a_kvm_bug()
    {
        var h = new MmuHarness<EptSpte>(MmioSpteMask.Vmx);
        var empty = new MemoryCache<EptSpte>(h.Host);
        using (h.Mmu.ReadLock())
        {
            Assert.Throws<KvmBugException>(() => h.Mmu.Tdp.GetRoot(1, empty));
        }

        Assert.True(h.Mmu.Bugged);
    }
}

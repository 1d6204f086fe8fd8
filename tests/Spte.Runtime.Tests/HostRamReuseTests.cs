using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>A deleted slot's memory goes back to the host (the VMM's munmap), so a VMM that adds and deletes slots forever never runs the host out of address space.</summary>
public sealed class HostRamReuseTests
{
    [Fact]
    public void Adding_and_deleting_a_slot_more_times_than_the_host_has_1_gib_runs_reuses_them_and_each_new_slot_reads_zeros()
    {
        var vm = new Kvm(HostCpu.Intel).CreateVm();

        // MAXPHYADDR 46 holds 65,536 runs of 1 GiB; each slot takes one.
        for (var i = 0; i < 70_000; i++)
        {
            vm.SetUserMemoryRegion(1, 0x10_0000, 0x1000);
            var word = new byte[8];
            vm.ReadGuestMemory(0x10_0000, word);
            Assert.Equal(new byte[8], word);
            vm.WriteGuestMemory(0x10_0000, [1, 2, 3, 4, 5, 6, 7, 8]);
            vm.SetUserMemoryRegion(1, 0x10_0000, 0);
        }

        Assert.True(vm.CheckInvariants().Ok);
    }

    [Fact]
    public void The_vmms_own_memory_outlives_a_deleted_slot()
    {
        var vm = new Kvm(HostCpu.Intel).CreateVm();
        var memory = vm.MapMemory(0x2000);
        vm.SetUserMemoryRegion(1, 0x10_0000, 0x2000, Memslots.KvmMemFlags.None, memory, 0);
        vm.WriteGuestMemory(0x10_1000, [9]);
        vm.SetUserMemoryRegion(1, 0x10_0000, 0);
        vm.SetUserMemoryRegion(2, 0x20_0000, 0x1000);

        var kept = new byte[1];
        memory.Read(0x1000, kept);
        Assert.Equal(9, kept[0]);
    }
}

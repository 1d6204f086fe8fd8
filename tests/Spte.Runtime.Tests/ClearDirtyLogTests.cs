using System;
using Spte.Runtime.Formats;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>
/// Manual dirty-log protection (<c>KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2</c>), <c>KVM_CLEAR_DIRTY_LOG</c>
/// and <c>KVM_DIRTY_LOG_INITIALLY_SET</c>, on both vendors and both MMUs.
/// </summary>
public class ClearDirtyLogTests
{
    private const ulong MiB = 1UL << 20;

    public static TheoryData<CpuVendor, bool> Mmus => new()
    {
        { CpuVendor.Intel, true },
        { CpuVendor.Intel, false },
        { CpuVendor.Amd, true },
        { CpuVendor.Amd, false },
    };

    [Fact]
    public void Enabling_the_cap_takes_zero_enable_or_both_bits_and_nothing_else()
    {
        var vm = new Kvm(HostCpu.Intel).CreateVm();
        vm.SetUserMemoryRegion(0, 0, 2 * MiB, KvmMemFlags.LogDirtyPages);
        vm.CreateVcpu(0);

        // KVM accepts the cap at any time, with slots and vCPUs in place.
        vm.EnableManualDirtyLogProtect(KvmDirtyLogManualProtect.ManualProtectEnable | KvmDirtyLogManualProtect.InitiallySet);
        vm.EnableManualDirtyLogProtect(KvmDirtyLogManualProtect.ManualProtectEnable);
        vm.EnableManualDirtyLogProtect(KvmDirtyLogManualProtect.None);

        foreach (var bad in new[] { KvmDirtyLogManualProtect.InitiallySet, (KvmDirtyLogManualProtect)4, KvmDirtyLogManualProtect.ManualProtectEnable | (KvmDirtyLogManualProtect)(1UL << 63) })
        {
            Assert.Equal(KvmErrno.EINVAL, Assert.Throws<KvmException>(() => vm.EnableManualDirtyLogProtect(bad)).Errno);
        }
    }

    [Theory]
    [MemberData(nameof(Mmus))]
    public void Under_manual_protect_get_only_copies_and_clear_rearms_exactly_the_cleared_pages(CpuVendor vendor, bool tdpMmu)
    {
        var vm = CreateVm(vendor, tdpMmu);
        vm.EnableManualDirtyLogProtect(KvmDirtyLogManualProtect.ManualProtectEnable);
        vm.SetUserMemoryRegion(0, 0, 4 * MiB, KvmMemFlags.LogDirtyPages);
        var vcpu = vm.CreateVcpu(0);
        vcpu.Guest.Add(GuestAccess.Write(0x1000, 1)).Add(GuestAccess.Write(0x3000, 3)).Add(GuestAccess.Write(0x5000, 5));
        VmDriver.RunToHalt(vcpu);

        Assert.Equal(0b10_1010UL, vm.GetDirtyLog(0)[0]);
        Assert.Equal(0b10_1010UL, vm.GetDirtyLog(0)[0]);
        Assert.True(Leaf(vcpu, 0x1000).Writable);

        // Page 7 was never dirty: its bit is ignored and nothing is protected for it.
        vm.ClearDirtyLog(0, 0, [(1UL << 1) | (1UL << 5) | (1UL << 7)], 64);

        Assert.Equal(1UL << 3, vm.GetDirtyLog(0)[0]);
        Assert.False(Leaf(vcpu, 0x1000).Writable);
        Assert.False(Leaf(vcpu, 0x5000).Writable);
        Assert.True(Leaf(vcpu, 0x3000).Writable);
        vm.CheckInvariants().ThrowIfViolated();

        var fast = vm.MmuStats[MmuStat.PfFast];
        vcpu.Guest.Add(GuestAccess.Write(0x1000, 11)).Add(GuestAccess.Write(0x3000, 33));
        VmDriver.RunToHalt(vcpu);

        Assert.Equal(fast + 1, vm.MmuStats[MmuStat.PfFast]);
        Assert.Equal((1UL << 1) | (1UL << 3), vm.GetDirtyLog(0)[0]);
        vm.CheckInvariants().ThrowIfViolated();

        // Turning manual protection off makes KVM_GET_DIRTY_LOG clear and protect again.
        vm.EnableManualDirtyLogProtect(KvmDirtyLogManualProtect.None);
        Assert.Equal((1UL << 1) | (1UL << 3), vm.GetDirtyLog(0)[0]);
        Assert.Equal(0UL, vm.GetDirtyLog(0)[0]);
        Assert.False(Leaf(vcpu, 0x3000).Writable);
        vm.CheckInvariants().ThrowIfViolated();
    }

    /// <summary>Each MMU, and the TDP MMU with and without <c>eager_page_split</c> (the legacy MMU never splits eagerly).</summary>
    public static TheoryData<CpuVendor, bool, bool> MmusAndSplit => new()
    {
        { CpuVendor.Intel, true, true },
        { CpuVendor.Intel, true, false },
        { CpuVendor.Intel, false, true },
        { CpuVendor.Amd, true, true },
        { CpuVendor.Amd, true, false },
        { CpuVendor.Amd, false, true },
    };

    [Theory]
    [MemberData(nameof(MmusAndSplit))]
    public void Initially_set_marks_every_page_dirty_and_keeps_a_large_leaf_until_a_clear_reaches_it(CpuVendor vendor, bool tdpMmu, bool eagerSplit)
    {
        var vm = CreateVm(vendor, tdpMmu, eagerSplit);
        vm.SetUserMemoryRegion(0, 0, 4 * MiB);
        var vcpu = vm.CreateVcpu(0);
        vcpu.Guest.Add(GuestAccess.Write(0x3000, 3)).Add(GuestAccess.Write(0x203000, 3));
        VmDriver.RunToHalt(vcpu);
        Assert.Equal((PgLevel.Pg2M, true), Leaf(vcpu, 0x3000));

        vm.EnableManualDirtyLogProtect(KvmDirtyLogManualProtect.ManualProtectEnable | KvmDirtyLogManualProtect.InitiallySet);
        vm.SetUserMemoryRegion(0, 0, 4 * MiB, KvmMemFlags.LogDirtyPages);

        // No write-protect up front: the 2M leaf stays writable and a write does not fault.
        Assert.All(vm.GetDirtyLog(0), static word => Assert.Equal(ulong.MaxValue, word));
        Assert.Equal((PgLevel.Pg2M, true), Leaf(vcpu, 0x3000));
        var taken = vm.MmuStats[MmuStat.PfTaken];
        vcpu.Guest.Add(GuestAccess.Write(0x4000, 4));
        VmDriver.RunToHalt(vcpu);
        Assert.Equal(taken, vm.MmuStats[MmuStat.PfTaken]);

        // Clearing pages 0..63 reaches the large leaf over them, not the other one: an eager split
        // makes it 4K leafs and protects the cleared ones; without, the large leaf is protected.
        vm.ClearDirtyLog(0, 0, [ulong.MaxValue], 64);
        var split = tdpMmu && eagerSplit;
        Assert.Equal((split ? PgLevel.Pg4K : PgLevel.Pg2M, false), Leaf(vcpu, 0x3000));
        Assert.Equal(split ? (PgLevel.Pg4K, true) : (PgLevel.Pg2M, false), Leaf(vcpu, 0x40000));
        Assert.Equal((PgLevel.Pg2M, true), Leaf(vcpu, 0x203000));
        Assert.Equal(split ? 1 : 0, vm.MmuStats[MmuStat.HugePagesSplit]);
        vm.CheckInvariants().ThrowIfViolated();

        // The next write maps 4K and is logged; the pages never cleared stay dirty.
        vcpu.Guest.Add(GuestAccess.Write(0x5000, 5));
        VmDriver.RunToHalt(vcpu);
        Assert.Equal((PgLevel.Pg4K, true), Leaf(vcpu, 0x5000));
        var log = vm.GetDirtyLog(0);
        Assert.Equal(1UL << 5, log[0]);
        Assert.All(log[1..], static word => Assert.Equal(ulong.MaxValue, word));
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void Initially_set_fills_a_new_logging_slot_up_to_its_end_and_a_clear_may_end_there()
    {
        var vm = new Kvm(HostCpu.Amd).CreateVm();
        vm.EnableManualDirtyLogProtect(KvmDirtyLogManualProtect.ManualProtectEnable | KvmDirtyLogManualProtect.InitiallySet);
        vm.SetUserMemoryRegion(0, 0, 100 * 4096, KvmMemFlags.LogDirtyPages);
        Assert.Equal([ulong.MaxValue, (1UL << 36) - 1], vm.GetDirtyLog(0));

        // 36 pages reach the slot's end; the bits past it in the caller's bitmap change nothing.
        vm.ClearDirtyLog(0, 64, [ulong.MaxValue], 36);
        Assert.Equal([ulong.MaxValue, 0UL], vm.GetDirtyLog(0));
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void Bad_ranges_slots_and_buffers_fail_with_kvms_errno_in_kvms_order()
    {
        var vm = new Kvm(HostCpu.Intel).CreateVm();
        vm.SetUserMemoryRegion(0, 0, 100 * 4096, KvmMemFlags.LogDirtyPages);
        vm.SetUserMemoryRegion(1, 2 * MiB, 2 * MiB);
        ulong[] bitmap = [0, 0];

        Assert.Equal(KvmErrno.EINVAL, Errno(() => vm.ClearDirtyLog(0, 1, bitmap, 64)));
        Assert.Equal(KvmErrno.EINVAL, Errno(() => vm.ClearDirtyLog(0, 0, bitmap, 63)));
        Assert.Equal(KvmErrno.EINVAL, Errno(() => vm.ClearDirtyLog(0, 64, bitmap, 37)));
        Assert.Equal(KvmErrno.EINVAL, Errno(() => vm.ClearDirtyLog(0, 128, bitmap, 0)));
        Assert.Equal(KvmErrno.EFAULT, Errno(() => vm.ClearDirtyLog(0, 0, bitmap.AsSpan(0, 1), 100)));
        Assert.Equal(KvmErrno.ENOENT, Errno(() => vm.ClearDirtyLog(1, 0, bitmap, 64)));
        Assert.Equal(KvmErrno.ENOENT, Errno(() => vm.ClearDirtyLog(7, 0, bitmap, 64)));
        Assert.Equal(KvmErrno.EINVAL, Errno(() => vm.ClearDirtyLog(7, 1, bitmap, 64)));
        Assert.Equal(KvmErrno.EINVAL, Errno(() => vm.ClearDirtyLog(KvmMemslots.UserMemSlots, 0, bitmap, 64)));
        Assert.Equal(KvmErrno.EINVAL, Errno(() => vm.ClearDirtyLog(2U << 16, 0, bitmap, 64)));

        vm.ClearDirtyLog(0, 0, bitmap, 100);
        vm.ClearDirtyLog(0, 64, bitmap, 36);
        vm.ClearDirtyLog(0, 64, [], 0);
        vm.CheckInvariants().ThrowIfViolated();
    }

    [Fact]
    public void Clear_works_without_manual_protect_and_a_move_keeps_the_log_as_kvm_reuses_the_bitmap()
    {
        var vm = new Kvm(HostCpu.Intel).CreateVm();
        vm.SetUserMemoryRegion(0, 0, 2 * MiB, KvmMemFlags.LogDirtyPages);
        var vcpu = vm.CreateVcpu(0);
        vcpu.Guest.Add(GuestAccess.Write(0x2000, 2)).Add(GuestAccess.Write(0x9000, 9));
        VmDriver.RunToHalt(vcpu);

        vm.ClearDirtyLog(0, 0, [1UL << 9], 64);
        Assert.False(Leaf(vcpu, 0x9000).Writable);

        vm.SetUserMemoryRegion(0, 8 * MiB, 2 * MiB, KvmMemFlags.LogDirtyPages);
        Assert.Equal(1UL << 2, vm.GetDirtyLog(0)[0]);
        vm.CheckInvariants().ThrowIfViolated();
    }

    /// <summary>
    /// A 64-page word can cross a 2M boundary when the slot's base is not 2M-aligned (KVM's comment:
    /// <c>base_gfn</c> has no such restriction). The front door's slots have aligned host memory, so
    /// such a slot never maps large; here the backing is offset like the base, as a VMM's
    /// <c>userspace_addr</c> may be: the word [480, 544) ends in the 2M leaf over [512, 1024), which
    /// only the protection of the word's last GFN reaches.
    /// </summary>
    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void An_initially_set_clear_protects_the_large_leaf_over_a_words_last_gfn_too(bool tdpMmu, bool eagerSplit)
    {
        var h = new MmuHarness<EptSpte>(MmioSpteMask.Vmx, tdpMmu: tdpMmu, eagerPageSplit: eagerSplit);
        var backing = new GuestRamBacking(h.Host, h.Host.ReserveGuestRam(2048 + 32) + 32, 2048, h.Memslots.Notifier);
        h.Memslots.Commit(new MemslotChange(KvmMrChange.Create, null, new KvmMemorySlot(0, 0, 32, 2048, KvmMemFlags.None, backing)));
        Assert.Equal(PageFaultResult.Fixed, h.Fault(480 << 12));
        Assert.Equal(PageFaultResult.Fixed, h.Fault(520 << 12));
        Assert.Equal(PgLevel.Pg4K, h.Last(480 << 12).Level);
        Assert.Equal(PgLevel.Pg2M, h.Last(520 << 12).Level);

        // Logging turned on as under initially-set: nothing protected; then word 7 is cleared.
        var slot = h.SetFlags(h.Memslots.IdToMemslot(0, 0)!, KvmMemFlags.LogDirtyPages);
        var cleared = new ulong[32];
        cleared[7] = ulong.MaxValue;
        h.Mmu.WriteProtectDirtyGfns(slot, cleared, initiallySet: true);

        Assert.False(Spte<EptSpte>.IsWritablePte(h.Last(480 << 12).Spte));
        if (tdpMmu && eagerSplit)
        {
            // The split reached the 2M leaf over the word's last GFN (a read of never-written
            // memory: the zero page, read-only): its 4K parts map it, past the word too.
            Assert.Equal(PgLevel.Pg4K, h.Last(520 << 12).Level);
            Assert.False(Spte<EptSpte>.IsWritablePte(h.Last(520 << 12).Spte));
            Assert.Equal((PgLevel.Pg4K, true), (h.Last(600 << 12).Level, h.Last(600 << 12).Spte.IsPresent));
        }
        else
        {
            Assert.Equal(PgLevel.Pg2M, h.Last(520 << 12).Level);
            Assert.False(Spte<EptSpte>.IsWritablePte(h.Last(520 << 12).Spte));
            Assert.False(Spte<EptSpte>.IsMmuWritableSpte(h.Last(520 << 12).Spte));
        }

        h.AssertInvariants();
    }

    /// <summary>
    /// A seeded program of guest writes, gets, clears of random aligned ranges and masks, logging
    /// toggles and notifier unmaps, under manual protection with initially-set, on a 2M-aligned slot
    /// and one whose base is 32 pages off (so a 64-page word crosses a 2M boundary). After every
    /// step the invariants hold, and every get equals the oracle: a page is dirty iff logging
    /// started (all set) and it was not cleared since, or it was written since its last clear.
    /// </summary>
    [Theory]
    [MemberData(nameof(Mmus))]
    public void A_seeded_program_logs_exactly_the_pages_written_since_their_clear(CpuVendor vendor, bool tdpMmu)
    {
        var random = new Random(tdpMmu ? 15 : 16);
        var vm = CreateVm(vendor, tdpMmu);
        vm.EnableManualDirtyLogProtect(KvmDirtyLogManualProtect.ManualProtectEnable | KvmDirtyLogManualProtect.InitiallySet);
        (ulong Gpa, ulong Pages)[] slots = [(0, 2048), (0x102_0000, 1024)];
        var logging = new bool[slots.Length];
        var expected = new ulong[slots.Length][];
        for (var i = 0; i < slots.Length; i++)
        {
            vm.SetUserMemoryRegion((uint)i, slots[i].Gpa, slots[i].Pages * 4096);
            expected[i] = new ulong[(slots[i].Pages + 63) / 64];
        }

        var vcpu = vm.CreateVcpu(0);
        var largeLeafsWhileLogging = 0;
        for (var step = 0; step < 400; step++)
        {
            var id = random.Next(slots.Length);
            var (gpa, pages) = slots[id];
            var words = expected[id].Length;
            switch (random.Next(100))
            {
                case < 50:
                    var page = (ulong)random.Next((int)pages);
                    vcpu.Guest.Add(GuestAccess.Write(gpa + (page * 4096), (ulong)step));
                    VmDriver.RunToHalt(vcpu);
                    if (logging[id])
                    {
                        expected[id][page / 64] |= 1UL << (int)(page % 64);
                        largeLeafsWhileLogging += Leaf(vcpu, gpa + (page * 4096)).Level > PgLevel.Pg4K ? 1 : 0;
                    }

                    break;
                case < 65 when logging[id]:
                    Assert.Equal(expected[id], vm.GetDirtyLog((uint)id));
                    break;
                case < 85 when logging[id]:
                    var first = random.Next(words);
                    var count = random.Next(1, words - first + 1);
                    var masks = new ulong[count];
                    for (var w = 0; w < count; w++)
                    {
                        masks[w] = random.Next(3) == 0 ? ulong.MaxValue : (ulong)random.NextInt64() & (ulong)random.NextInt64();
                        expected[id][first + w] &= ~masks[w];
                    }

                    var numPages = (uint)Math.Min((ulong)count * 64, pages - ((ulong)first * 64));
                    vm.ClearDirtyLog((uint)id, (ulong)first * 64, masks, numPages);
                    break;
                case < 95:
                    logging[id] = !logging[id];
                    vm.SetUserMemoryRegion((uint)id, gpa, pages * 4096, logging[id] ? KvmMemFlags.LogDirtyPages : KvmMemFlags.None);
                    for (var w = 0; w < words; w++)
                    {
                        var left = pages - ((ulong)w * 64);
                        expected[id][w] = logging[id] ? (left >= 64 ? ulong.MaxValue : (1UL << (int)left) - 1) : 0;
                    }

                    break;
                default:
                    vm.UnmapGuestRange(gpa + ((ulong)random.Next((int)pages) * 4096), 2 * MiB);
                    break;
            }

            var report = vm.CheckInvariants();
            Assert.True(report.Ok, $"step {step}: {report}");
        }

        // Initially-set left large leafs mapped under logging, so the clears had some to protect.
        Assert.True(largeLeafsWhileLogging > 0);
        for (var i = 0; i < slots.Length; i++)
        {
            if (logging[i])
            {
                Assert.Equal(expected[i], vm.GetDirtyLog((uint)i));
            }
        }
    }

    private static KvmErrno Errno(Action ioctl) => Assert.Throws<KvmException>(ioctl).Errno;

    private static KvmVm CreateVm(CpuVendor vendor, bool tdpMmu, bool eagerSplit = true) =>
        new Kvm(new HostCpu(vendor)) { ModuleParams = new KvmModuleParams { TdpMmu = tdpMmu, EagerPageSplit = eagerSplit } }.CreateVm();

    /// <summary>The level of the SPTE the walk to <paramref name="gpa"/> ends on, and whether it is a present writable leaf.</summary>
    private static (int Level, bool Writable) Leaf(KvmVcpu vcpu, ulong gpa) => vcpu switch
    {
        KvmVcpu<EptSpte> ept => Of(ept.WalkSptes(gpa)[^1]),
        KvmVcpu<NptSpte> npt => Of(npt.WalkSptes(gpa)[^1]),
        _ => throw new Xunit.Sdk.XunitException("unexpected vCPU type"),
    };

    private static (int Level, bool Writable) Of<T>((int Level, T Spte) last)
        where T : struct, IKvmSpte<T> =>
        (last.Level, last.Spte.IsPresent && Spte<T>.IsWritablePte(last.Spte));
}

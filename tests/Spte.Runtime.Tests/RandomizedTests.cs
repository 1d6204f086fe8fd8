using System;
using System.Collections.Generic;
using System.Linq;
using Spte.Runtime.Formats;
using Spte.Runtime.Memslots;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>
/// Seeded, reproducible runs of mixed guest accesses, memslot changes, notifier zaps, KSM
/// merges, dirty logging and fast zaps, checking every invariant after each step and that the
/// guest's view of RAM (through the MMU's tables) always equals the VMM's (through the memslots).
/// </summary>
public class RandomizedTests
{
    private const ulong MiB = 1UL << 20;
    private const ulong Region = 64 * MiB;
    private const int Steps = 1500;
    private const uint PageTableSlot = 9;
    private const ulong PageTableGpa = 16 * Region;

    [Theory]
    [InlineData(CpuVendor.Intel, KvmVmType.Default, 1, true)]
    [InlineData(CpuVendor.Intel, KvmVmType.Tdx, 2, true)]
    [InlineData(CpuVendor.Amd, KvmVmType.Default, 3, true)]
    [InlineData(CpuVendor.Intel, KvmVmType.Default, 4, false)]
    [InlineData(CpuVendor.Amd, KvmVmType.Default, 5, false)]
    public void Mixed_operations_keep_every_invariant(CpuVendor vendor, KvmVmType type, int seed, bool tdpMmu)
    {
        var (vm, vcpus, _) = Run(vendor, type, seed, tdpMmu);
        Assert.True(vm.MmuStats[Mmu.MmuStat.PfFixed] > 100);
        Assert.Equal(0, vcpus.Sum(static v => v.Stats[VcpuStat.SystemEvents]));
    }

    /// <summary>
    /// The legacy MMU (<c>tdp_mmu=N</c>) and the TDP MMU run the same seeded program to the same
    /// guest-visible results: every load's value, every dirty bitmap, every aging answer.
    /// </summary>
    [Theory]
    [InlineData(CpuVendor.Intel, 6)]
    [InlineData(CpuVendor.Amd, 7)]
    public void The_legacy_mmu_gives_the_tdp_mmus_results(CpuVendor vendor, int seed)
    {
        var (_, _, tdp) = Run(vendor, KvmVmType.Default, seed, tdpMmu: true);
        var (_, _, legacy) = Run(vendor, KvmVmType.Default, seed, tdpMmu: false);

        Assert.Equal(tdp.Count, legacy.Count);
        for (var step = 0; step < tdp.Count; step++)
        {
            Assert.True(tdp[step] == legacy[step], $"seed {seed} step {step}: TDP MMU {tdp[step]}, legacy MMU {legacy[step]}");
        }
    }

    /// <summary>
    /// The same programs with shadow paging: the guest runs on its own page tables, an identity map
    /// of the slot regions with 2M pages (accessed and dirty preset, so no guest table is written
    /// and a read of a logged page dirties it as under TDP), in a slot the program never touches.
    /// Loads and dirty bitmaps must equal the TDP MMU's; aging answers are not compared (TDP maps
    /// 2M leafs where shadow paging maps 4K, so "was anything in the range accessed" differs).
    /// </summary>
    [Theory]
    [InlineData(CpuVendor.Intel, 8)]
    [InlineData(CpuVendor.Amd, 9)]
    public void Shadow_paging_gives_the_tdp_mmus_loads_and_dirty_bitmaps(CpuVendor vendor, int seed)
    {
        var (_, _, tdp) = Run(vendor, KvmVmType.Default, seed, tdpMmu: true);
        var (_, _, shadow) = Run(vendor, KvmVmType.Default, seed, tdpMmu: false, shadowPaging: true);

        Assert.Equal(tdp.Count, shadow.Count);
        for (var step = 0; step < tdp.Count; step++)
        {
            if (!tdp[step].StartsWith("age:", StringComparison.Ordinal))
            {
                Assert.True(tdp[step] == shadow[step], $"seed {seed} step {step}: TDP MMU {tdp[step]}, shadow paging {shadow[step]}");
            }
        }
    }

    /// <summary>One seeded program, with invariants after every step; <paramref name="proveMmu"/> turns on the prove-MMU check of every SPTE write.</summary>
    internal static (KvmVm Vm, KvmVcpu[] Vcpus, List<string> Transcript) Run(CpuVendor vendor, KvmVmType type, int seed, bool tdpMmu, bool shadowPaging = false, bool proveMmu = false)
    {
        var random = new Random(seed);
        var kvm = new Kvm(new HostCpu(vendor), pageTableBudget: 1 << 14) { ModuleParams = new KvmModuleParams { TdpMmu = tdpMmu, Tdp = !shadowPaging, ProveMmu = proveMmu } };
        var vm = kvm.CreateVm(type);
        var vcpus = new[] { vm.CreateVcpu(0), vm.CreateVcpu(1) };
        var sregs = shadowPaging ? KvmSregs.LongMode(IdentityMapSlotRegions(vm)) : null;
        foreach (var vcpu in vcpus)
        {
            vcpu.RecordEvents = false;
            if (sregs is not null)
            {
                vcpu.SetSregs(sregs);
            }
        }

        var transcript = new List<string>();
        var accesses = 0;
        for (var step = 0; step < Steps; step++)
        {
            var op = random.Next(100);
            var what = op switch
            {
                < 50 => Access(vm, vcpus[random.Next(2)], random, ref accesses),
                < 60 => Create(vm, random),
                < 65 => Delete(vm, random),
                < 70 => Move(vm, random),
                < 76 => ToggleLogging(vm, random),
                < 80 => DirtyLog(vm, random),
                < 85 => Unmap(vm, random),
                < 90 => Age(vm, random),
                < 99 => Replace(vm, random),
                _ => FastZap(vm),
            };
            var report = vm.CheckInvariants();
            Assert.True(report.Ok, $"seed {seed} (tdp_mmu={tdpMmu}) step {step} ({what}): {report}");
            transcript.Add(what);
        }

        Assert.True(accesses > Steps / 4, $"only {accesses} accesses ran");
        return (vm, vcpus, transcript);
    }

    private static string Access(KvmVm vm, KvmVcpu vcpu, Random random, ref int accesses)
    {
        var size = 1 << random.Next(4);
        var slots = DataSlots(vm);
        ulong gpa;
        var pick = random.Next(10);
        if (slots.Count == 0 || pick < 2)
        {
            // Anywhere in the slot regions: often a hole (MMIO) where a slot may appear later.
            gpa = ((ulong)random.Next(8) * Region) + ((ulong)random.Next(0, 32) << 12) + ((ulong)random.Next(512) * 8);
        }
        else
        {
            var slot = slots[random.Next(slots.Count)];
            gpa = pick == 2
                ? (slot.EndGfn << 12) - (ulong)random.Next(1, 8)
                : (slot.BaseGfn << 12) + ((ulong)random.NextInt64((long)(Math.Min(slot.NPages, pick < 6 ? 32UL : slot.NPages) << 12)) & ~7UL);
        }

        var write = random.Next(2) == 0;
        var access = write ? GuestAccess.Write(gpa, (ulong)random.NextInt64(), size) : GuestAccess.Read(gpa, size);
        vcpu.Guest.Add(access);
        var exit = VmDriver.RunToHalt(vcpu, static a => a * 31);
        Assert.True(exit == KvmExitReason.Hlt, $"{access} ended with {exit}");
        accesses++;

        // Where the whole access is RAM, the guest's view must equal the VMM's view.
        var first = vm.Memslots.GfnToMemslot(0, gpa >> 12);
        var last = vm.Memslots.GfnToMemslot(0, (gpa + (ulong)size - 1) >> 12);
        if (first is not null && last is not null && !(write && (first.IsReadOnly || last.IsReadOnly)))
        {
            var bytes = new byte[8];
            vm.ReadGuestMemory(gpa, bytes.AsSpan(0, size));
            var expected = write ? access.Value & (size == 8 ? ulong.MaxValue : (1UL << (8 * size)) - 1) : vcpu.Completed[^1].Value;
            Assert.Equal(expected, BitConverter.ToUInt64(bytes));
        }

        return $"{access} -> {vcpu.Completed[^1].Value:X}";
    }

    private static string Create(KvmVm vm, Random random)
    {
        var id = random.Next(8);
        if (vm.Memslots.IdToMemslot(0, id) is not null)
        {
            return "create skipped";
        }

        var size = (ulong)random.Next(1, 2048) << 12;
        var flags = random.Next(5) == 0 ? KvmMemFlags.LogDirtyPages : KvmMemFlags.None;
        if (vm.Type != KvmVmType.Tdx && random.Next(6) == 0)
        {
            flags |= KvmMemFlags.ReadOnly;
        }

        var gpa = Base(id, random, size);
        vm.SetUserMemoryRegion((uint)id, gpa, size, flags);
        return $"create slot {id} at 0x{gpa:X} size 0x{size:X} {flags}";
    }

    private static string Delete(KvmVm vm, Random random)
    {
        var slot = Any(vm, random);
        if (slot is null)
        {
            return "delete skipped";
        }

        vm.SetUserMemoryRegion((uint)slot.Id, 0, 0);
        return $"delete {slot}";
    }

    private static string Move(KvmVm vm, Random random)
    {
        var slot = Any(vm, random);
        if (slot is null)
        {
            return "move skipped";
        }

        var gpa = Base(slot.Id, random, slot.NPages << 12);
        vm.SetUserMemoryRegion((uint)slot.Id, gpa, slot.NPages << 12, slot.Flags);
        return $"move {slot} to 0x{gpa:X}";
    }

    private static string ToggleLogging(KvmVm vm, Random random)
    {
        var slot = Any(vm, random);
        if (slot is null)
        {
            return "logging skipped";
        }

        vm.SetUserMemoryRegion((uint)slot.Id, slot.BaseGfn << 12, slot.NPages << 12, slot.Flags ^ KvmMemFlags.LogDirtyPages);
        return $"toggle logging of {slot}";
    }

    private static string DirtyLog(KvmVm vm, Random random)
    {
        var slot = DataSlots(vm).Where(static s => s.DirtyLogging).OrderBy(_ => random.Next()).FirstOrDefault();
        if (slot is null)
        {
            return "dirty log skipped";
        }

        var bitmap = vm.GetDirtyLog((uint)slot.Id);
        return $"dirty log of {slot}: {string.Join(",", bitmap.Select(static w => w.ToString("X")))}";
    }

    private static string Unmap(KvmVm vm, Random random)
    {
        var gpa = (ulong)random.Next(8) * Region + ((ulong)random.Next(0, 4096) << 12);
        vm.UnmapGuestRange(gpa, (ulong)random.Next(1, 1024) << 12);
        return $"unmap 0x{gpa:X}";
    }

    private static string Age(KvmVm vm, Random random)
    {
        var young = vm.AgeGuestRange((ulong)random.Next(8) * Region, Region);
        return $"age: {young}";
    }

    private static string Replace(KvmVm vm, Random random)
    {
        var slot = Any(vm, random);
        if (slot is null)
        {
            return "replace skipped";
        }

        var gpa = (slot.BaseGfn + (ulong)random.NextInt64((long)slot.NPages)) << 12;
        var readOnly = random.Next(2) == 0;
        vm.ReplaceHostPage(gpa, readOnly);
        return $"replace host page 0x{gpa:X} read-only {readOnly}";
    }

    private static string FastZap(KvmVm vm)
    {
        switch (vm)
        {
            case KvmVm<EptSpte> ept:
                ept.Mmu.ZapAllFast();
                break;
            case KvmVm<NptSpte> npt:
                npt.Mmu.ZapAllFast();
                break;
        }

        return "fast zap";
    }

    private static KvmMemorySlot? Any(KvmVm vm, Random random)
    {
        var slots = DataSlots(vm);
        return slots.Count == 0 ? null : slots[random.Next(slots.Count)];
    }

    /// <summary>The slots the program changes: not the shadow-paging guest's page-table slot.</summary>
    private static List<KvmMemorySlot> DataSlots(KvmVm vm) => [.. vm.Memslots.Slots(0).Where(static s => s.Id != PageTableSlot)];

    /// <summary>The guest's identity map of the 8 slot regions (2M pages, A and D set) in its own slot; returns CR3.</summary>
    private static ulong IdentityMapSlotRegions(KvmVm vm)
    {
        const ulong pml4 = PageTableGpa, pdpt = PageTableGpa + 0x1000, pd = PageTableGpa + 0x2000;
        vm.SetUserMemoryRegion(PageTableSlot, PageTableGpa, 0x3000);
        const ulong table = GuestPte.PagePresentMask | GuestPte.WritableMask | GuestPte.AccessedMask;
        vm.WriteGuestMemory(pml4, BitConverter.GetBytes(GuestPte.FromRaw(table).WithPfn(pdpt >> 12).Raw));
        vm.WriteGuestMemory(pdpt, BitConverter.GetBytes(GuestPte.FromRaw(table).WithPfn(pd >> 12).Raw));
        for (var i = 0UL; i < 8 * Region >> 21; i++)
        {
            var leaf = GuestPte.FromRaw(table | GuestPte.DirtyMask | GuestPte.PageSizeMask).WithPfn((i << 21) >> 12);
            vm.WriteGuestMemory(pd + (i * 8), BitConverter.GetBytes(leaf.Raw));
        }

        return pml4;
    }

    /// <summary>A base inside the slot's own 64 MiB region (often its start, where MMIO accesses also go; sometimes 2M aligned, sometimes not), so slots never overlap.</summary>
    private static ulong Base(int id, Random random, ulong size)
    {
        var room = Region - size;
        var offset = random.Next(3) switch
        {
            0 => 0UL,
            1 => (ulong)random.NextInt64((long)(room >> 21) + 1) << 21,
            _ => (ulong)random.NextInt64((long)(room >> 12) + 1) << 12,
        };
        return ((ulong)id * Region) + offset;
    }
}

using System.Collections.Generic;
using System.Linq;
using Spte.Runtime;
using Spte.Runtime.Conformance;
using Spte.Runtime.Memslots;

namespace Spte.Conformance.Tests;

/// <summary>The conformance suite: each scenario runs on the model and on the machine's KVM, and their logs must be equal (docs/conformance.md lists what each shows).</summary>
internal static class Scenarios
{
    private const ulong Page = 0x1000;
    private const KvmMemFlags Log = KvmMemFlags.LogDirtyPages;
    private const KvmMemFlags ReadOnly = KvmMemFlags.ReadOnly;

    public static IReadOnlyList<Scenario> All { get; } =
    [
        Scenario.Named("ram round trips at 1, 2, 4 and 8 bytes")
            .Slot(0, 0, 4 * Page)
            .Guest(GuestAccess.Write(0x1000, 0xAB, 1), GuestAccess.Write(0x1002, 0xBEEF, 2), GuestAccess.Write(0x1004, 0xDEADBEEF, 4), GuestAccess.Write(0x1008, 0x0123456789ABCDEF, 8))
            .Guest(GuestAccess.Read(0x1000, 1), GuestAccess.Read(0x1000, 2), GuestAccess.Read(0x1000, 4), GuestAccess.Read(0x1000, 8), GuestAccess.Read(0x1008, 8), GuestAccess.Read(0x1003, 4))
            .HostRead(0x1000).HostRead(0x1008).HostWrite(0x2000, 0x55AA, 2).Guest(GuestAccess.Read(0x2000, 8)),

        Scenario.Named("mmio where no slot is")
            .Slot(0, 0, 4 * Page)
            .Guest(GuestAccess.Read(0x10000, 1), GuestAccess.Read(0x10000, 2), GuestAccess.Read(0x10000, 4), GuestAccess.Read(0x10000, 8))
            .Guest(GuestAccess.Write(0x20000, 0x11, 1), GuestAccess.Write(0x20000, 0x2222, 2), GuestAccess.Write(0x20000, 0x33333333, 4), GuestAccess.Write(0x20008, 0x4444444444444444, 8))
            .HostRead(0x10000),

        Scenario.Named("read-only slot: reads are ram, writes exit and change nothing")
            .Slot(0, 0, Page)
            .Slot(1, 0x10000, 2 * Page, ReadOnly)
            .HostWrite(0x10000, 0x1122334455667788)
            .Guest(GuestAccess.Read(0x10000), GuestAccess.Write(0x10000, 0x99, 1), GuestAccess.Write(0x11000, 0xAAAA, 2), GuestAccess.Read(0x10000), GuestAccess.Read(0x11000, 2))
            .HostRead(0x10000),

        Scenario.Named("read-only slot flag changes")
            .Slot(1, 0x10000, Page, ReadOnly)
            .Slot(1, 0x10000, Page)
            .Slot(1, 0x10000, Page, ReadOnly | Log)
            .Slot(2, 0x20000, Page, ReadOnly | Log)
            .Slot(2, 0x20000, Page, ReadOnly)
            .DirtyLog(2),

        Scenario.Named("delete and re-create give fresh memory, the old range is mmio at once")
            .Slot(0, 0x10000, Page)
            .Guest(GuestAccess.Write(0x10000, 0x1234, 2), GuestAccess.Read(0x10000, 2))
            .Slot(0, 0x10000, 0)
            .Guest(GuestAccess.Read(0x10000, 2), GuestAccess.Write(0x10000, 7, 1))
            .HostRead(0x10000, 2)
            .Slot(0, 0x10000, Page)
            .Guest(GuestAccess.Read(0x10000, 2))
            .Slot(5, 0x30000, 0),

        Scenario.Named("a move keeps the memory; the old range is mmio")
            .Slot(0, 0x10000, 2 * Page)
            .Guest(GuestAccess.Write(0x11000, 0xCAFE, 2))
            .Slot(0, 0x40000, 2 * Page)
            .Guest(GuestAccess.Read(0x11000, 2), GuestAccess.Read(0x41000, 2))
            .HostRead(0x41000, 2).HostRead(0x11000, 2),

        Scenario.Named("a resize is refused")
            .Slot(0, 0x10000, 2 * Page)
            .Slot(0, 0x10000, 4 * Page)
            .Slot(0, 0x10000, Page)
            .Slot(0, 0x20000, 4 * Page)
            .Guest(GuestAccess.Read(0x11000, 2)),

        Scenario.Named("flags-only changes keep memory")
            .Slot(0, 0x10000, 2 * Page)
            .HostWrite(0x10000, 0x77)
            .Slot(0, 0x10000, 2 * Page, Log)
            .Guest(GuestAccess.Read(0x10000, 1))
            .Slot(0, 0x10000, 2 * Page)
            .Guest(GuestAccess.Read(0x10000, 1)),

        Scenario.Named("overlapping, unaligned and out-of-range slots")
            .Slot(0, 0x10000, 4 * Page)
            .Slot(1, 0x12000, 4 * Page)
            .Slot(1, 0xF000, 2 * Page)
            .Slot(1, 0x10000, 4 * Page)
            .Slot(1, 0x14000, Page)
            .Slot(2, 0x20800, Page)
            .Slot(2, 0x20000, 0x800)
            .Slot(2, 0x20000, Page, (KvmMemFlags)0x80)
            .Slot(40000, 0x30000, Page)
            .Slot(2, 0xFFFF_FFFF_FFFF_F000, Page)
            .Guest(GuestAccess.Read(0x14000, 1)),

        Scenario.Named("dirty log: get and clear, reads, host writes")
            .Slot(0, 0, Page)
            .Slot(1, 0x10000, 8 * Page, Log)
            .HostWrite(0x13000, 1)
            .Guest(GuestAccess.Write(0x10000, 1, 1), GuestAccess.Write(0x12008, 2, 8), GuestAccess.Read(0x14000, 4))
            .DirtyLog(1)
            .DirtyLog(1)
            .Guest(GuestAccess.Write(0x10000, 3, 1), GuestAccess.Read(0x12000, 8))
            .DirtyLog(1),

        Scenario.Named("a guest read of memory nobody wrote dirties nothing; the first write does")
            .Slot(1, 0x10000, 4 * Page, Log)
            .Guest(GuestAccess.Read(0x10000), GuestAccess.Read(0x11000, 1))
            .DirtyLog(1)
            .Guest(GuestAccess.Write(0x11000, 5, 1), GuestAccess.Read(0x10000))
            .DirtyLog(1),

        Scenario.Named("a guest read of a page the VMM wrote, in a logged slot")
            .DependsOnMmu("hardware paging maps a host-writable page writable even on a read fault, and make_spte marks it dirty then (arch/x86/kvm/mmu/spte.c: mark_page_dirty_in_slot for a writable SPTE in a dirty-tracked slot); a KVM that emulates every access installs no SPTE, so nothing is dirty")
            .Slot(1, 0x10000, 4 * Page, Log)
            .HostWrite(0x12000, 0x42)
            .Guest(GuestAccess.Read(0x12000))
            .DirtyLog(1),

        Scenario.Named("dirty log toggled off and on")
            .Slot(1, 0x10000, 4 * Page, Log)
            .Guest(GuestAccess.Write(0x10000, 1, 1))
            .Slot(1, 0x10000, 4 * Page)
            .DirtyLog(1)
            .Guest(GuestAccess.Write(0x11000, 1, 1))
            .Slot(1, 0x10000, 4 * Page, Log)
            .DirtyLog(1)
            .Guest(GuestAccess.Write(0x11000, 2, 1), GuestAccess.Write(0x13000, 2, 1))
            .DirtyLog(1),

        Scenario.Named("dirty log errors")
            .Slot(0, 0, Page)
            .Slot(1, 0x10000, Page, Log)
            .DirtyLog(0)
            .DirtyLog(7)
            .DirtyLog(40000)
            .DirtyLog(0x20001)
            .Slot(1, 0x10000, 0)
            .DirtyLog(1),

        Scenario.Named("manual protect: a get leaves the log, a clear re-arms the pages it names")
            .ManualProtect(KvmDirtyLogManualProtect.ManualProtectEnable)
            .Slot(1, 0x10000, 8 * Page, Log)
            .Guest(GuestAccess.Write(0x10000, 1, 1), GuestAccess.Write(0x11000, 1, 1), GuestAccess.Write(0x13000, 1, 1))
            .DirtyLog(1)
            .DirtyLog(1)
            .ClearDirtyLog(1, 0, 8, 0b1010)
            .DirtyLog(1)
            .Guest(GuestAccess.Write(0x10000, 2, 1), GuestAccess.Write(0x11000, 2, 1))
            .DirtyLog(1),

        Scenario.Named("manual protect with initially-set: a new logged slot is all dirty")
            .ManualProtect(KvmDirtyLogManualProtect.ManualProtectEnable | KvmDirtyLogManualProtect.InitiallySet)
            .Slot(1, 0x10000, 4 * Page, Log)
            .DirtyLog(1)
            .ClearDirtyLog(1, 0, 4, 0xF)
            .DirtyLog(1)
            .Guest(GuestAccess.Write(0x12000, 9, 1))
            .DirtyLog(1)
            .ManualProtect(KvmDirtyLogManualProtect.None)
            .DirtyLog(1)
            .DirtyLog(1),

        Scenario.Named("manual protect and clear-dirty-log errors")
            .ManualProtect(KvmDirtyLogManualProtect.InitiallySet)
            .ManualProtect((KvmDirtyLogManualProtect)4)
            .Slot(0, 0, Page)
            .Slot(1, 0x100000, 128 * Page, Log)
            .ClearDirtyLog(1, 1, 64, 1)
            .ClearDirtyLog(1, 64, 32, 1)
            .ClearDirtyLog(1, 64, 64, 1)
            .ClearDirtyLog(1, 64, 128, 1, 0)
            .ClearDirtyLog(1, 128, 0)
            .ClearDirtyLog(1, 0, 128, 1)
            .ClearDirtyLog(0, 0, 1, 1)
            .ClearDirtyLog(9, 0, 1, 1)
            .ClearDirtyLog(0x20001, 0, 1, 1),

        Scenario.Named("accesses straddling a page into every kind of neighbour")
            .Slot(0, 0x10000, Page)
            .Slot(1, 0x11000, Page)
            .Slot(2, 0x12000, Page, ReadOnly)
            .HostWrite(0x10FF8, 0x0807060504030201).HostWrite(0x11000, 0x100F0E0D0C0B0A09).HostWrite(0x12000, 0x1817161514131211)
            .Guest(GuestAccess.Read(0x10FFC, 8), GuestAccess.Read(0x11FFE, 4), GuestAccess.Read(0x12FFC, 8), GuestAccess.Read(0xFFFC, 8))
            .Guest(GuestAccess.Write(0x10FFE, 0xA1A2A3A4, 4), GuestAccess.Write(0x11FFC, 0xB1B2B3B4B5B6B7B8, 8), GuestAccess.Write(0x12FFE, 0xC1C2, 2))
            .HostRead(0x10FF8).HostRead(0x11000).HostRead(0x11FF8).HostRead(0x12000),

        Scenario.Named("slots above 4 GiB")
            .Slot(0, 0x1_0000_0000, 2 * Page)
            .HostWrite(0x1_0000_1000, 0xFEEDFACE, 4)
            .Guest(GuestAccess.Read(0x1_0000_1000, 4), GuestAccess.Write(0x1_0000_0008, 0x1234, 8), GuestAccess.Read(0x1_0000_2000, 4))
            .HostRead(0x1_0000_0008, 4)
            .Slot(1, 0x1_0000_1000, Page)
            .Slot(0, 0x2_0000_0000, 2 * Page)
            .Guest(GuestAccess.Read(0x2_0000_1000, 4), GuestAccess.Read(0x1_0000_1000, 4), GuestAccess.Write(0x40_0000_0000, 7, 2))
            .Slot(2, 0x3F_FFFF_F000, 2 * Page)
            .Guest(GuestAccess.Write(0x3F_FFFF_FFFC, 0x1122334455667788, 8), GuestAccess.Read(0x40_0000_0000, 4))
            .HostRead(0x3F_FFFF_FFF8),

        Scenario.Named("vmm memory: the vmm's stores reach the guest and the guest's reach the vmm")
            .MapMemory(0, 4 * Page)
            .SlotOn(0, 0x10000, 2 * Page, 0, Page)
            .MemoryWrite(0, Page + 8, 0x0123456789ABCDEF)
            .Guest(GuestAccess.Read(0x10008), GuestAccess.Write(0x11010, 0xFEED, 2))
            .MemoryRead(0, 2 * Page + 0x10, 2)
            .MemoryRead(0, 0, 8)
            .HostRead(0x10008),

        Scenario.Named("vmm memory: one mapping backs a re-created slot and two slots at once")
            .MapMemory(0, 2 * Page)
            .SlotOn(0, 0x10000, 2 * Page, 0, 0)
            .Guest(GuestAccess.Write(0x11000, 0x77, 1))
            .Slot(0, 0x10000, 0)
            .SlotOn(0, 0x40000, 2 * Page, 0, 0)
            .Guest(GuestAccess.Read(0x41000, 1))
            .SlotOn(1, 0x80000, Page, 0, Page)
            .Guest(GuestAccess.Write(0x80000, 0x99, 1), GuestAccess.Read(0x41000, 1))
            .MemoryRead(0, Page, 1),

        Scenario.Named("vmm memory: an existing slot keeps its memory; bad offsets")
            .MapMemory(0, 4 * Page)
            .MapMemory(1, 4 * Page)
            .SlotOn(0, 0x10000, 2 * Page, 0, 0)
            .SlotOn(0, 0x10000, 2 * Page, 1, 0)
            .SlotOn(0, 0x10000, 2 * Page, 0, Page)
            .SlotOn(0, 0x20000, 2 * Page, 0, 0)
            .SlotOn(0, 0x20000, 2 * Page, 0, 0, Log)
            .SlotOn(1, 0x30000, Page, 1, 0x800)
            .SlotOn(1, 0x30000, 2 * Page, 1, 3 * Page)
            .MemoryRead(1, 4 * Page, 1)
            .Guest(GuestAccess.Read(0x20000, 1)),

        Scenario.Named("vmm memory: the zero page in a logged slot")
            .MapMemory(0, 4 * Page)
            .SlotOn(1, 0x10000, 4 * Page, 0, 0, Log)
            .Guest(GuestAccess.Read(0x10000), GuestAccess.Read(0x12000, 4))
            .DirtyLog(1)
            .MemoryWrite(0, 3 * Page, 5, 1)
            .Guest(GuestAccess.Write(0x11000, 1, 1))
            .DirtyLog(1),

        ManySlots(),
    ];

    private static Scenario ManySlots()
    {
        var scenario = Scenario.Named("many slots");
        for (uint slot = 0; slot < 64; slot++)
        {
            scenario = scenario.Slot(slot, 0x100000 + (slot * 0x2000UL), Page, slot % 3 == 0 ? Log : KvmMemFlags.None);
        }

        scenario = scenario.Guest([.. Enumerable.Range(0, 64).Select(i => GuestAccess.Write(0x100000 + ((ulong)i * 0x2000) + 8, (ulong)i, 1))]);
        scenario = scenario.Guest([.. Enumerable.Range(0, 64).Select(i => GuestAccess.Read(0x100000 + ((ulong)i * 0x2000), 8))]);
        return scenario.DirtyLog(0).DirtyLog(1).DirtyLog(3).Guest(GuestAccess.Read(0x101000, 1));
    }
}

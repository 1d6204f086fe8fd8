using System;
using Spte.Runtime;
using Spte.Runtime.Formats;
using Spte.Sample.Npt;

// An ordinary VM on an AMD host, through the runtime's KVM-shaped API. KVM's TDP MMU runs over
// NptSpte, the x86-64 page-table format the CPU's nested-paging walk reads: every exit is a
// nested page fault (#NPF) whose error code says why, and MMIO works through reserved bits.
// Exits non-zero if an MMU invariant breaks.
const ulong Ram = 64UL << 20;
const ulong Data = 0x20_0000;   // a 2M page of guest data
const ulong Code = 0x40_0000;   // another 2M page, which the guest executes from
const ulong Uart = 0xFEB0_0000; // no memslot here: MMIO
const ulong UartThr = Uart;     // transmit holding register
const ulong UartLsr = Uart + 5; // line status register

var vm = (KvmVm<NptSpte>)new Kvm(HostCpu.Amd).CreateVm();
vm.SetUserMemoryRegion(0, 0, Ram);
var vcpu = (KvmVcpu<NptSpte>)vm.CreateVcpu(0);
var vmm = new Vmm(vm, vcpu);
var mmio = vm.MmioMask;
var ok = true;

Console.WriteLine($"Spte runtime: an AMD NPT MMU (KVM's TDP MMU over NptSpte), host MAXPHYADDR {vm.Kvm.Cpu.MaxPhyAddr}");
Console.WriteLine($"  non-present value: {NptSpte.NonPresent}; P (bit 0) is clear, so the CPU ignores every other bit");
Console.WriteLine($"  MMIO SPTE: (spte & 0x{mmio.Mask:X16}) == 0x{mmio.Value:X16}, P plus the reserved address bits {vm.Kvm.Cpu.MaxPhyAddr}..51");

// 1. First touches of RAM: the walk ends on a non-present entry, the #NPF error code says what
//    the guest did (W for a write, FETCH for an instruction fetch; U and GUEST_FINAL always), and
//    KVM maps a 2M page.
Section("RAM: a write, a read and an instruction fetch");
vcpu.Guest
    .Add(GuestAccess.Write(Data, 0x1122334455667788))
    .Add(GuestAccess.Read(Data))
    .Add(GuestAccess.Fetch(Code));
vmm.Run();
vmm.ShowWalk(Data);
ok &= vmm.CheckInvariants();

// 2. MMIO: the first access finds no entry and no memslot, so KVM installs an MMIO SPTE and
//    emulates. The SPTE sets P and reserved bits, so every later access faults with RSVD and
//    KVM recognises MMIO from the SPTE alone (handle_mmio_page_fault), without a memslot lookup.
Section("MMIO: the first access finds no entry; later ones hit the MMIO SPTE's reserved bits");
vcpu.Guest
    .Add(GuestAccess.Read(UartLsr, 1))
    .Add(GuestAccess.Write(UartThr, 'A', 1))
    .Add(GuestAccess.Read(UartLsr, 1));
vmm.Run();
var mmioSpte = vmm.LastEntry(Uart).Spte;
Console.WriteLine($"  the MMIO SPTE: PagePresent={mmioSpte.PagePresent} (the CPU uses it and faults on its reserved bits), IsPresent={mmioSpte.IsPresent} (MMU-present bit 11 clear), generation {mmioSpte.AsMmio.Generation}");
ok &= vmm.CheckInvariants();

// 3. Any memslot change bumps the generation. An MMIO SPTE made under an older one is stale:
//    its next RSVD fault takes the full fault path, which rebuilds it (the GPA might be RAM now).
Section("A new memslot bumps the generation: the MMIO SPTE goes stale and is rebuilt");
vm.SetUserMemoryRegion(1, 1UL << 30, 2UL << 20);
Console.WriteLine($"  memslot generation {vm.MmioGeneration}, the MMIO SPTE's {vmm.LastEntry(Uart).Spte.AsMmio.Generation}");
vcpu.Guest.Add(GuestAccess.Read(UartLsr, 1));
vmm.Run();
Console.WriteLine($"  rebuilt with generation {vmm.LastEntry(Uart).Spte.AsMmio.Generation}");
ok &= vmm.CheckInvariants();

// 4. A zap: the host swaps the data page out and tells KVM through the MMU notifier; KVM zaps
//    the 2M leaf to the format's non-present value. Here that is 0, which is correct because the
//    CPU ignores a non-present NPT entry; the same generic zap writes bit 63 (suppress #VE) on EPT.
Section("A zap: the host swaps the data page out (MMU notifier), then the guest reads it again");
vm.UnmapGuestRange(Data, 2UL << 20);
var (level, zapped) = vmm.LastEntry(Data);
Console.WriteLine($"  after the zap: level {level} {vmm.Describe(zapped, level)}");
ok &= vmm.CheckInvariants();
vcpu.Guest.Add(GuestAccess.Read(Data));
vmm.Run();
ok &= vmm.CheckInvariants();

Section("Counters");
vmm.ShowCounters();
Console.WriteLine();
Console.WriteLine(ok ? "All MMU invariants hold." : "AN MMU INVARIANT FAILED.");
return ok ? 0 : 1;

static void Section(string title)
{
    Console.WriteLine();
    Console.WriteLine("== " + title);
}

using System.Collections.Generic;
using System.Linq;
using System;
using Spte.Runtime;
using Spte.Runtime.Formats;
using Spte.Runtime.Mmu;
using Spte.Runtime.X86;

// The TDX shared-EPT flow and an AMD NPT flow (TDP MMU, the legacy MMU, shadow paging) on the simulated KVM, through its KVM-shaped API:
// KVM_CREATE_VM, KVM_SET_USER_MEMORY_REGION, KVM_CREATE_VCPU, then a KVM_RUN loop that plays the
// device for MMIO exits. Exits non-zero if an MMU invariant breaks.
const ulong Ram = 64UL << 20;
const ulong Uart = 0xFEB0_0000;

Console.WriteLine("Spte runtime: KVM's MMU (TDP, legacy, shadow paging) over EPT/NPT formats declared with the Spte toolkit");
var ok = true;

// 1. A TD: "EPT-violation #VE" is always on, so only the suppress-#VE bit (63) keeps an
//    EPT violation on a non-present entry with the host.
var td = new Kvm(HostCpu.Intel).CreateVm(KvmVmType.Tdx);
td.SetUserMemoryRegion(0, 0, Ram);
var tdVcpu = td.CreateVcpu(0);
tdVcpu.Guest
    .Add(GuestAccess.Write(0x1000, 0x1122334455667788))
    .Add(GuestAccess.Read(0x1000))
    .Add(GuestAccess.Read(Uart, 4))
    .Add(GuestAccess.Write(Uart + 4, 0x41, 1))
    .Add(GuestAccess.Read(Uart, 4));
Section("TDX: a TD touches shared RAM, then MMIO (Intel EPT, #VE on)");
RunLoop(tdVcpu);
Trace(tdVcpu);
ok &= Check(td);

// 2. The 2022 review finding: a zap path that writes 0 instead of SHADOW_NONPRESENT_VALUE.
//    The host reclaims the page behind 0x1000 (an MMU-notifier zap); the entry is then
//    overwritten with 0, as the buggy zap would have left it.
Section("The bug: a zap that writes 0 instead of the non-present value");
var (correct, buggy) = (ZapScenario(writeZero: false), ZapScenario(writeZero: true));
Console.WriteLine($"  zap writes NonPresent (0x{EptSpte.NonPresentValue:X16}): {correct}");
Console.WriteLine($"  zap writes 0                            : {buggy}");

// 3. An ordinary VM on AMD: NPT's non-present value is 0; MMIO SPTEs set reserved address
//    bits, so their next access is an RSVD nested page fault that KVM turns into an MMIO exit.
var svm = new Kvm(HostCpu.Amd).CreateVm();
svm.SetUserMemoryRegion(0, 0, Ram);
var svmVcpu = svm.CreateVcpu(0);
svmVcpu.Guest
    .Add(GuestAccess.Write(0x20_0000, 7))
    .Add(GuestAccess.Read(Uart, 4))
    .Add(GuestAccess.Read(Uart, 4))
    .Add(GuestAccess.Read((2UL << 20) - 4));
Section("NPT: an ordinary VM on AMD touches RAM, MMIO twice, and straddles a page");
RunLoop(svmVcpu);
Trace(svmVcpu);
ok &= Check(svm);

// 4. The same AMD program with KVM's legacy MMU (kvm.tdp_mmu=N): shadow pages found by
//    (gfn, role), reverse maps, faults under the write lock. The guest sees the same.
var legacy = new Kvm(HostCpu.Amd) { ModuleParams = new KvmModuleParams { TdpMmu = false } }.CreateVm();
legacy.SetUserMemoryRegion(0, 0, Ram);
var legacyVcpu = legacy.CreateVcpu(0);
Section("NPT with the legacy MMU (kvm.tdp_mmu=N): the same program");
ok &= Replay(svmVcpu, legacyVcpu);

// 5. The same program once more with shadow paging (kvm_amd.npt=N): the guest runs on its own
//    4-level page tables (identity-mapped with 2M pages, in the toolkit's GuestPte format), so
//    its addresses are virtual; KVM walks the guest's tables, shadows each one and
//    write-protects it.
var shadow = new Kvm(HostCpu.Amd) { ModuleParams = new KvmModuleParams { Tdp = false } }.CreateVm();
shadow.SetUserMemoryRegion(0, 0, Ram);
var cr3 = IdentityMap(shadow, Ram, Uart);
var shadowVcpu = shadow.CreateVcpu(0);
shadowVcpu.SetSregs(KvmSregs.LongMode(cr3));
Section("Shadow paging (npt=N): the same program, through the guest's own page tables");
ok &= Replay(svmVcpu, shadowVcpu);

Section("Counters");
Table(("TDX", td, tdVcpu), ("NPT", svm, svmVcpu), ("legacy", legacy, legacyVcpu), ("shadow", shadow, shadowVcpu));
Console.WriteLine();
Console.WriteLine(ok ? "All MMU invariants hold." : "AN MMU INVARIANT FAILED.");
return ok ? 0 : 1;

// The VMM's KVM_RUN loop: a toy UART answers reads with 0x60 (transmitter empty) and prints writes.
static void RunLoop(KvmVcpu vcpu)
{
    while (vcpu.Run() is var exit && exit != KvmExitReason.Hlt)
    {
        if (exit != KvmExitReason.Mmio)
        {
            throw new InvalidOperationException($"unexpected exit {exit}");
        }

        if (!vcpu.RunData.Mmio.IsWrite)
        {
            vcpu.RunData.Mmio.SetReadValue(0x60);
        }
    }
}

// Runs on `to` the accesses `from` completed, prints the trace and checks the invariants.
static bool Replay(KvmVcpu from, KvmVcpu to)
{
    foreach (var access in from.Completed.Select(static c => c.Access))
    {
        to.Guest.Add(access);
    }

    RunLoop(to);
    Trace(to);
    return Check(to.Vm);
}

static string ZapScenario(bool writeZero)
{
    var vm = (KvmVm<EptSpte>)new Kvm(HostCpu.Intel).CreateVm(KvmVmType.Tdx);
    vm.SetUserMemoryRegion(0, 0, Ram);
    var vcpu = (KvmVcpu<EptSpte>)vm.CreateVcpu(0);
    vcpu.Guest.Add(GuestAccess.Read(0x1000));
    RunLoop(vcpu);
    vm.UnmapGuestRange(0, Ram);
    if (writeZero)
    {
        // The entry the walk to 0x1000 now ends on (the zapped 2M leaf's slot).
#pragma warning disable SPTE1001 // Deliberately the bug the analyzers exist to catch.
        vcpu.InjectSpte(0x1000, EptSpte.FromRaw(0));
#pragma warning restore SPTE1001
    }

    vcpu.ClearEvents();
    vcpu.Guest.Add(GuestAccess.Read(0x1000));
    var exit = vcpu.Run();
    var invariants = vm.CheckInvariants();
    return $"{string.Join(" -> ", vcpu.Events.Select(static e => e.Kind))} => {exit}{(invariants.Ok ? string.Empty : " (invariant check: " + invariants.Violations.Count + " violation)")}";
}

// A guest kernel's identity map of RAM and of the UART's 2M page, with 2M pages: PML4, one PDPT and
// a PD per GiB used, placed at the end of RAM. Returns CR3.
static ulong IdentityMap(KvmVm vm, ulong ram, ulong device)
{
    const ulong Large = 1UL << 21;
    var pml4 = ram - (4 * 4096);
    var pdpt = pml4 + 4096;
    Entry(vm, pml4, 0, pdpt, large: false);
    var nextPd = pdpt + 4096;
    foreach (var gpa in new[] { 0UL, device & ~(Large - 1) })
    {
        var gib = (int)(gpa >> 30);
        var pd = gpa == 0 ? nextPd : nextPd + 4096;
        Entry(vm, pdpt, gib, pd, large: false);
        var last = gpa == 0 ? ram - Large : gpa;
        for (var page = gpa; page <= last; page += Large)
        {
            Entry(vm, pd, (int)((page >> 21) & 511), page, large: true);
        }
    }

    return pml4;
}

static void Entry(KvmVm vm, ulong table, int index, ulong target, bool large)
{
    var pte = GuestPte.FromRaw(GuestPte.PagePresentMask | GuestPte.WritableMask | (large ? GuestPte.PageSizeMask : 0)).WithPfn(target >> 12);
    vm.WriteGuestMemory(table + ((ulong)index * 8), BitConverter.GetBytes(pte.Raw));
}

static void Trace(KvmVcpu vcpu)
{
    foreach (var e in vcpu.Events)
    {
        Console.WriteLine("  " + e);
    }

    Console.WriteLine("  reads: " + string.Join(", ", vcpu.Completed.Where(static c => c.Access.Kind == Spte.Runtime.Hardware.GuestAccessKind.Read).Select(static c => $"{c.Access.Gpa:X}=0x{c.Value:X}")));
}

static bool Check(KvmVm vm)
{
    var report = vm.CheckInvariants();
    Console.WriteLine("  " + report);
    return report.Ok;
}

static void Section(string title)
{
    Console.WriteLine();
    Console.WriteLine("== " + title);
}

static void Table(params (string Name, KvmVm Vm, KvmVcpu Vcpu)[] runs)
{
    var rows = new List<(string Name, long[] Values)>();
    foreach (var stat in Enum.GetValues<VcpuStat>())
    {
        rows.Add(("vcpu " + stat, [.. runs.Select(r => r.Vcpu.Stats[stat])]));
    }

    foreach (var stat in Enum.GetValues<MmuStat>())
    {
        rows.Add(("mmu  " + stat, [.. runs.Select(r => r.Vm.MmuStats[stat])]));
    }

    Console.WriteLine($"  {"counter",-30}" + string.Concat(runs.Select(static r => $"{r.Name,8}")));
    foreach (var (name, values) in rows.Where(static r => r.Values.Any(static v => v != 0)))
    {
        Console.WriteLine($"  {name,-30}" + string.Concat(values.Select(static v => $"{v,8}")));
    }
}

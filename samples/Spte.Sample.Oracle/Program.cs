using System;
using System.Linq;
using Spte.Runtime;
using Spte.Runtime.Conformance;
using Spte.Runtime.Memslots;

// One guest program — RAM, a read-only slot, MMIO where no slot is, dirty logging — written once
// as a scenario and run on each backend; the logs hold everything KVM lets a VMM observe.
var program = Scenario.Named("a guest program")
    .Slot(0, 0x0, 0x4000)
    .Slot(1, 0x10000, 0x4000, KvmMemFlags.LogDirtyPages)
    .Slot(2, 0x20000, 0x1000, KvmMemFlags.ReadOnly)
    .HostWrite(0x20000, 0x600DF00D, 4)
    .Guest(
        GuestAccess.Write(0x1000, 0x1122334455667788),
        GuestAccess.Read(0x1004, 4),
        GuestAccess.Read(0x10000),
        GuestAccess.Write(0x12000, 0xAB, 1),
        GuestAccess.Read(0x20000, 4),
        GuestAccess.Write(0x20000, 0xBAD, 2),
        GuestAccess.Read(0xFEB00000, 4))
    .DirtyLog(1)
    .HostRead(0x20000, 4);

var model = new Kvm(HostCpu.Intel);
var modelLog = ScenarioRunner.Run(model, program);
Console.WriteLine($"{model.Backend}:");
Console.WriteLine(string.Join(Environment.NewLine, modelLog.Select(line => $"  {line}")));

if (!DevKvm.TryOpen(out var real, out var whyNot))
{
    Console.WriteLine($"real KVM: not run — {whyNot}");
    return 0;
}

using (real)
{
    var realLog = ScenarioRunner.Run(real, program);
    Console.WriteLine($"{real.Backend}:");
    Console.WriteLine(string.Join(Environment.NewLine, realLog.Select(line => $"  {line}")));
    var same = realLog.SequenceEqual(modelLog);
    Console.WriteLine(same ? "The two logs are identical." : "The logs DIFFER.");
    return same ? 0 : 1;
}

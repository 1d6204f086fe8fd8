using Spte.Runtime;
using Spte.Runtime.Conformance;
using Spte.Runtime.Memslots;
using Xunit;
using Xunit.Abstractions;

namespace Spte.Conformance.Tests;

public sealed class BackendSmokeTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Smoke()
    {
        var scenario = Scenario.Named("smoke")
            .Slot(0, 0, 0x4000)
            .Guest(GuestAccess.Write(0x1000, 0x1122334455667788), GuestAccess.Read(0x1000, 4), GuestAccess.Read(0x9000, 2), GuestAccess.Write(0x9008, 0xAABBCCDDEEFF0011), GuestAccess.Read(0x1000))
            .HostRead(0x1004, 4)
            .Slot(1, 0x10000, 0x4000, KvmMemFlags.LogDirtyPages)
            .Guest(GuestAccess.Read(0x10000), GuestAccess.Write(0x12000, 1, 1))
            .DirtyLog(1)
            .DirtyLog(0)
            .Slot(0, 0x2000, 0x1000);
        var real = Backends.RealOrSkip();
        foreach (var line in ScenarioRunner.Run(real, scenario))
        {
            output.WriteLine(line);
        }

        output.WriteLine("--- model");
        foreach (var line in ScenarioRunner.Run(Backends.Simulated[0], scenario))
        {
            output.WriteLine(line);
        }
    }
}

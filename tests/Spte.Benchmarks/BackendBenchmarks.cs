using System;
using BenchmarkDotNet.Attributes;
using Spte.Runtime;
using Spte.Runtime.Memslots;

namespace Spte.Benchmarks;

/// <summary>
/// The VMM's operations on the model and on this machine's real KVM, side by side: a memslot
/// added and deleted, a dirty-log get, an MMIO exit round trip, a RAM access that faults, and a
/// run that only halts (the cost of one <c>KVM_RUN</c> and of the backend's code generation).
/// The real backend needs /dev/kvm; without it its cases fail in their setup.
/// </summary>
[MemoryDiagnoser]
public class BackendBenchmarks
{
    private const ulong RamBase = 0x4000_0000;
    private const ulong RamSize = 1UL << 30;
    private const int FaultsPerIteration = 4096;

    private IKvm _kvm = null!;
    private IKvmVm _vm = null!;
    private IKvmVcpu _vcpu = null!;
    private ulong _nextPage;

    /// <summary>Which backend: the simulated host (Intel, TDP MMU) or real KVM.</summary>
    [Params("model", "kvm")]
    public string Backend { get; set; } = "model";

    [GlobalSetup]
    public void Setup()
    {
        _kvm = Backend == "kvm" ? DevKvm.Open() : new Kvm(HostCpu.Intel);
        _vm = _kvm.CreateVm();
        _vm.SetUserMemoryRegion(0, 0, 0x10000);
        _vm.SetUserMemoryRegion(1, 0x10_0000, 0x40000, KvmMemFlags.LogDirtyPages);
        _vm.SetUserMemoryRegion(2, RamBase, RamSize);
        _vcpu = _vm.CreateVcpu(0);
        if (_vcpu is KvmVcpu simulated)
        {
            // The trace would grow with every run; only the real backend's costs are measured without one.
            simulated.RecordEvents = false;
        }

        _vcpu.Run();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _vm.Dispose();
        (_kvm as IDisposable)?.Dispose();
    }

    /// <summary>Fresh pages for the fault benchmark: the RAM slot re-created, so every page in it is new.</summary>
    [IterationSetup(Target = nameof(RamAccessThatFaults))]
    public void FreshRam()
    {
        _vm.SetUserMemoryRegion(2, RamBase, 0);
        _vm.SetUserMemoryRegion(2, RamBase, RamSize);
        _nextPage = 0;
    }

    [Benchmark]
    public void MemslotAddAndDelete()
    {
        _vm.SetUserMemoryRegion(5, 0x80_0000, 0x10000);
        _vm.SetUserMemoryRegion(5, 0x80_0000, 0);
    }

    [Benchmark]
    public ulong[] DirtyLogGet() => _vm.GetDirtyLog(1);

    [Benchmark]
    public KvmExitReason RunThatOnlyHalts() => _vcpu.Run();

    /// <summary>A store where no slot is: the MMIO exit, then the run that completes it and halts.</summary>
    [Benchmark]
    public KvmExitReason MmioExitRoundTrip()
    {
        _vcpu.Guest.Add(GuestAccess.Write(0x20_0000, 1, 4));
        _vcpu.Run();
        return _vcpu.Run();
    }

    /// <summary>A store to a page nobody touched (one fault), then the halt.</summary>
    [Benchmark(OperationsPerInvoke = 1)]
    [InvocationCount(FaultsPerIteration)]
    public KvmExitReason RamAccessThatFaults()
    {
        _vcpu.Guest.Add(GuestAccess.Write(RamBase + (_nextPage++ << 12), 1, 4));
        return _vcpu.Run();
    }
}

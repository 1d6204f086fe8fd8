using System;
using System.Linq;
using Spte.Runtime;
using Xunit;

namespace Spte.Conformance.Tests;

/// <summary>The backends a scenario runs on: the model on both vendors, and the machine's KVM where it can be opened.</summary>
internal static class Backends
{
    private static readonly Lazy<(DevKvm? Kvm, string WhyNot)> Real = new(() =>
        DevKvm.TryOpen(out var kvm, out var whyNot) ? (kvm, string.Empty) : (null, whyNot));

    /// <summary>The model: TDP MMU, legacy MMU over TDP, and shadow paging, on Intel and on AMD.</summary>
    public static IKvm[] Simulated =>
    [
        .. new[] { CpuVendor.Intel, CpuVendor.Amd }.SelectMany(vendor => new[]
        {
            new Kvm(new HostCpu(vendor)),
            new Kvm(new HostCpu(vendor)) { ModuleParams = new KvmModuleParams { TdpMmu = false } },
            new Kvm(new HostCpu(vendor)) { ModuleParams = new KvmModuleParams { TdpMmu = false, Tdp = false } },
        }),
    ];

    /// <summary>The real KVM, or a skip with the one-line reason it cannot be used here.</summary>
    public static DevKvm RealOrSkip()
    {
        var (kvm, whyNot) = Real.Value;
        Skip.If(kvm is null, whyNot);
        return kvm!;
    }
}

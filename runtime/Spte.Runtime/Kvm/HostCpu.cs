namespace Spte.Runtime;

/// <summary>The vendor of the simulated host CPU, which decides the TDP format.</summary>
public enum CpuVendor
{
    /// <summary>Intel: EPT (<see cref="Formats.EptSpte"/>), TDX possible.</summary>
    Intel,

    /// <summary>AMD: NPT (<see cref="Formats.NptSpte"/>).</summary>
    Amd,
}

/// <summary>The simulated host CPU.</summary>
/// <param name="Vendor">Intel (EPT) or AMD (NPT).</param>
public sealed record HostCpu(CpuVendor Vendor)
{
    /// <summary>MAXPHYADDR in bits (CPUID 0x80000008).</summary>
    public int MaxPhyAddr { get; init; } = 46;

    /// <summary>The deepest TDP walk the CPU supports: 4, or 5 for 5-level EPT/NPT.</summary>
    public int MaxTdpLevel { get; init; } = 4;

    /// <summary>Whether 1G TDP pages are supported.</summary>
    public bool Supports1GPages { get; init; } = true;

    /// <summary>Whether execute-only EPT entries are supported (Intel).</summary>
    public bool EptExecuteOnly { get; init; } = true;

    /// <summary>An Intel CPU with 4-level EPT, MAXPHYADDR 46 and 1G pages.</summary>
    public static HostCpu Intel { get; } = new(CpuVendor.Intel);

    /// <summary>An AMD CPU with 4-level NPT, MAXPHYADDR 46 and 1G pages.</summary>
    public static HostCpu Amd { get; } = new(CpuVendor.Amd);
}

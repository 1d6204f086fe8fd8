namespace Spte.Runtime.Hardware;

/// <summary>What the simulated Intel CPU's EPT supports (<c>IA32_VMX_EPT_VPID_CAP</c> and CPUID).</summary>
internal sealed record EptCapabilities
{
    /// <summary>MAXPHYADDR: address bits from here to 51 are reserved in every entry.</summary>
    public int MaxPhyAddr { get; init; } = 46;

    /// <summary>Execute-only entries (X without R) are allowed.</summary>
    public bool ExecuteOnly { get; init; } = true;

    /// <summary>2M leaves are allowed (bit 7 in a PDE).</summary>
    public bool Supports2M { get; init; } = true;

    /// <summary>1G leaves are allowed (bit 7 in a PDPTE).</summary>
    public bool Supports1G { get; init; } = true;

    /// <summary>Page-modification logging is on (the VMCS's "enable PML" control, with <see cref="AccessedDirty"/>).</summary>
    public bool Pml { get; init; }

    /// <summary>Accessed and dirty flags are on (EPTP bit 6).</summary>
    public bool AccessedDirty { get; init; } = true;
}

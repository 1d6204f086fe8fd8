namespace Spte.Runtime.Hardware;

/// <summary>What the simulated AMD CPU's nested paging supports.</summary>
internal sealed record NptCapabilities
{
    /// <summary>MAXPHYADDR: address bits from here to 51 are reserved in every entry.</summary>
    public int MaxPhyAddr { get; init; } = 46;

    /// <summary>1G leaves are allowed (PS in a PDPTE).</summary>
    public bool Supports1G { get; init; } = true;
}

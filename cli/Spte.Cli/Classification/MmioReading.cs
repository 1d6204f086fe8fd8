namespace Spte.Cli.Classification;

/// <summary>An MMIO SPTE's reading.</summary>
/// <param name="Generation">The memslot generation it was made under.</param>
/// <param name="HardwareReaction">What the CPU does on an access, e.g. "an EPT misconfiguration".</param>
internal sealed record MmioReading(uint Generation, string HardwareReaction);

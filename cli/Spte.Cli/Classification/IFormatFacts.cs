using System.Collections.Generic;

namespace Spte.Cli.Classification;

/// <summary>
/// What spte knows about a format beyond its declaration: how KVM recognises its MMIO SPTEs and
/// what the hardware does with a non-present entry. The attributes cannot say either.
/// </summary>
internal interface IFormatFacts
{
    /// <summary>The MMIO reading of <paramref name="raw"/>, or null if it is not an MMIO SPTE.</summary>
    MmioReading? ReadMmio(ulong raw);

    /// <summary>What a non-present <paramref name="raw"/> that is not the non-present value causes.</summary>
    IReadOnlyList<string> Consequences(ulong raw);
}

using System.Collections.Generic;

namespace Spte.Cli.Classification;

/// <summary>A user's format: no MMIO pattern, and only what the declaration implies.</summary>
/// <param name="FormatName">The format's name, for the message.</param>
internal sealed record UnknownHardwareFacts(string FormatName) : IFormatFacts
{
    /// <inheritdoc/>
    public MmioReading? ReadMmio(ulong raw) => null;

    /// <inheritdoc/>
    public IReadOnlyList<string> Consequences(ulong raw) =>
    [
        $"spte knows no hardware facts for {FormatName}; a correct MMU writes only the non-present value or a named special value into a non-present entry",
    ];
}

using System.Collections.Generic;

namespace Spte.Cli.Classification;

/// <summary>A value no correct path writes, and what it causes.</summary>
/// <param name="Summary">One sentence: what the value is not, and in which bits it differs.</param>
/// <param name="Consequences">What the hardware and KVM do with it, one sentence each.</param>
internal sealed record Finding(string Summary, IReadOnlyList<string> Consequences);

namespace Spte.Cli.Model;

/// <summary>A named 64-bit value of a format: a <c>[SpecialValue]</c> or a <c>[Mask]</c>.</summary>
/// <param name="Name">The declared name.</param>
/// <param name="Value">The value.</param>
internal sealed record NamedValue(string Name, ulong Value);

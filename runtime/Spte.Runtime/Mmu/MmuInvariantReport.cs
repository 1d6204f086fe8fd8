using System;
using System.Collections.Generic;
using System.Linq;

namespace Spte.Runtime.Mmu;

/// <summary>What <see cref="Tdp.TdpMmu{T}.CheckInvariants"/> found.</summary>
/// <param name="Violations">Each broken invariant, described.</param>
/// <param name="TablesChecked">Page tables walked, roots included.</param>
/// <param name="LeafsChecked">Present leaf SPTEs checked.</param>
/// <param name="MmioSptesChecked">MMIO SPTEs checked.</param>
public sealed record MmuInvariantReport(IReadOnlyList<string> Violations, int TablesChecked, int LeafsChecked, int MmioSptesChecked)
{
    /// <summary>Whether every invariant held.</summary>
    public bool Ok => Violations.Count == 0;

    /// <summary>Throws when an invariant is broken, listing the first few.</summary>
    /// <exception cref="InvalidOperationException">At least one invariant is broken.</exception>
    public void ThrowIfViolated()
    {
        if (!Ok)
        {
            throw new InvalidOperationException($"{Violations.Count} MMU invariant violation(s):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", Violations.Take(10)) + (Violations.Count > 10 ? Environment.NewLine + "  ..." : string.Empty));
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        Ok ? $"invariants hold ({TablesChecked} tables, {LeafsChecked} leafs, {MmioSptesChecked} MMIO SPTEs)" : $"{Violations.Count} violation(s), first: {Violations[0]}";
}

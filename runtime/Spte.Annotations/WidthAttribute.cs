using System;
using System.Collections.Generic;
using System.Linq;

namespace Spte;

/// <summary>
/// A compile-time assertion that a named bit set is exactly <see cref="Bits"/> bits wide, or, given
/// several widths, that it is made of that many runs of consecutive bits with those widths, lowest
/// run first: KVM's check that the MMIO generation halves are 8 and 11 bits is
/// <c>[Width("MmioSpteGenLow | MmioSpteGenHigh", 8, 11)]</c>. Names are resolved as for
/// <see cref="DisjointAttribute"/>. A violation is error SPTE0005.
/// </summary>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
public sealed class WidthAttribute : Attribute
{
    /// <summary>Asserts that <paramref name="name"/> has exactly <paramref name="bits"/> bits set.</summary>
    public WidthAttribute(string name, int bits)
    {
        Name = name;
        Bits = bits;
        Runs = [];
    }

    /// <summary>
    /// Asserts that <paramref name="name"/> is made of runs of consecutive bits exactly
    /// <paramref name="lowestRun"/>, <paramref name="nextRun"/> and <paramref name="moreRuns"/> wide, from bit 0 up.
    /// </summary>
    public WidthAttribute(string name, int lowestRun, int nextRun, params int[] moreRuns)
    {
        Name = name;
        Runs = [lowestRun, nextRun, .. moreRuns];
        Bits = Runs.Sum();
    }

    /// <summary>The name of the bit set.</summary>
    public string Name { get; }

    /// <summary>The expected number of bits.</summary>
    public int Bits { get; }

    /// <summary>The expected widths of the runs, lowest first; empty when only the total is asserted.</summary>
    public IReadOnlyList<int> Runs { get; }
}

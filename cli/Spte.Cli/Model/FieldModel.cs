using System;
using System.Collections.Generic;
using System.Linq;

namespace Spte.Cli.Model;

/// <summary>
/// A field of a format or view, as declared with <c>[Bit]</c>/<c>[Bits]</c>: its runs in declaration
/// order (the first run holds the value's lowest bits), the property's type and whether it is a
/// <c>[Present]</c> field.
/// </summary>
/// <param name="Name">The property name.</param>
/// <param name="Runs">The runs, in declaration order.</param>
/// <param name="ValueType">The property's type (bool, an integer or an enum).</param>
/// <param name="IsPresent">Whether the field carries <c>[Present]</c>.</param>
internal sealed record FieldModel(string Name, IReadOnlyList<BitRun> Runs, Type ValueType, bool IsPresent)
{
    /// <summary>All bits of the field.</summary>
    public ulong Mask => Runs.Aggregate(0UL, (mask, run) => mask | run.Mask);

    /// <summary>The field's lowest bit, used to order fields.</summary>
    public int LowestBit => Runs.Min(run => run.Low);

    /// <summary>Whether the field is split over more than one run.</summary>
    public bool IsSplit => Runs.Count > 1;

    /// <summary>"bit 0", "bits 12..51" or "bits 3..10, 52..62".</summary>
    public string BitsText => BitText.Describe(Runs);

    /// <summary>The field's value in <paramref name="raw"/>: the runs concatenated, first run lowest.</summary>
    public ulong Extract(ulong raw)
    {
        var value = 0UL;
        var offset = 0;
        foreach (var run in Runs)
        {
            value |= ((raw & run.Mask) >> run.Low) << offset;
            offset += run.Width;
        }

        return value;
    }

    /// <summary>The bits of the value that run <paramref name="index"/> holds, e.g. "[7:0]" (high:low, hardware style).</summary>
    public string ValueBitsOfRun(int index)
    {
        var offset = Runs.Take(index).Sum(run => run.Width);
        return $"[{offset + Runs[index].Width - 1}:{offset}]";
    }
}

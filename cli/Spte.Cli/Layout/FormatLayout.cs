using System.Collections.Generic;
using Spte.Cli.Model;

namespace Spte.Cli.Layout;

/// <summary>What a stretch of bits in a lane is.</summary>
internal enum SegmentKind
{
    /// <summary>No field of this lane.</summary>
    Free,

    /// <summary>A field (one run of it).</summary>
    Field,

    /// <summary>A run of a <c>[Present]</c> field.</summary>
    PresentField,

    /// <summary>Reserved (must-be-zero) bits.</summary>
    Reserved,

    /// <summary>In a view lane: bits of the format's common fields.</summary>
    Common,

    /// <summary>In a value lane: a set bit.</summary>
    One,

    /// <summary>In a value lane: a clear bit.</summary>
    Zero,
}

/// <summary>Bits <see cref="Low"/>..<see cref="High"/> of a lane.</summary>
/// <param name="Low">The lowest bit.</param>
/// <param name="High">The highest bit.</param>
/// <param name="Kind">What the bits are.</param>
/// <param name="Label">The text drawn on the segment (a field name, "reserved", or "").</param>
/// <param name="Key">The character the text layout fills the segment with.</param>
/// <param name="Tooltip">A longer description (an SVG tooltip).</param>
internal sealed record LayoutSegment(int Low, int High, SegmentKind Kind, string Label, char Key, string Tooltip)
{
    /// <summary>The number of bits.</summary>
    public int Width => High - Low + 1;
}

/// <summary>One line of a lane's legend in the text layout.</summary>
/// <param name="Key">The fill character.</param>
/// <param name="Name">The field name, or "reserved".</param>
/// <param name="Bits">Which bits.</param>
/// <param name="Note">The field's type and role.</param>
internal sealed record LegendRow(char Key, string Name, string Bits, string Note);

/// <summary>
/// One row of the drawing: the format's fields, a view, or a value (present mask, non-present
/// value, a special value). Segments cover bits 0..63 exactly, lowest first.
/// </summary>
/// <param name="Title">The row label.</param>
/// <param name="Subtitle">A second label line (a value in hex), or null.</param>
/// <param name="IsValue">Whether the row shows a 64-bit value bit by bit rather than fields.</param>
/// <param name="Segments">The segments, covering 0..63.</param>
/// <param name="Legend">What each key of a field row means.</param>
/// <param name="Caption">The heading of the legend in the text layout.</param>
internal sealed record LayoutLane(
    string Title,
    string? Subtitle,
    bool IsValue,
    IReadOnlyList<LayoutSegment> Segments,
    IReadOnlyList<LegendRow> Legend,
    string Caption);

/// <summary>A format laid out as lanes; drawn by <see cref="TextLayoutWriter"/> and <see cref="SvgLayoutWriter"/>.</summary>
/// <param name="Format">The format.</param>
/// <param name="Lanes">The lanes, top to bottom.</param>
internal sealed record FormatLayout(FormatModel Format, IReadOnlyList<LayoutLane> Lanes);

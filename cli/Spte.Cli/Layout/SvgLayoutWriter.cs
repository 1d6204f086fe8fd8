using System;
using System.Globalization;
using System.Linq;
using System.Text;
using Spte.Cli.Model;

namespace Spte.Cli.Layout;

/// <summary>
/// Draws a <see cref="FormatLayout"/> as a standalone SVG: bit 63 on the left, one column per bit,
/// one lane per row of the layout, byte boundaries marked, a tooltip on every segment and a key
/// at the bottom. The output depends only on the layout (invariant culture, fixed geometry), so a
/// committed drawing can be compared with a fresh one byte for byte.
/// </summary>
internal static class SvgLayoutWriter
{
    private const double Margin = 16;
    private const double Cell = 18;
    private const double CharWidth = 6.6;       // 11px monospace advance, rounded up
    private const double TitleCharWidth = 7.4;  // 12px bold lane titles
    private const double SmallCharWidth = 6.0;  // 10px monospace subtitles
    private const double ValueLaneHeight = 28;
    private const double MinFieldLaneHeight = 30;
    private const double LaneGap = 4;
    private const double BitNumberRow = 16;

    private const string Style =
        ".t{font:bold 15px sans-serif;fill:#0f172a}" +
        ".s{font:11px monospace;fill:#334155}" +
        ".lt{font:bold 12px sans-serif;fill:#0f172a}" +
        ".ls{font:10px monospace;fill:#475569}" +
        ".n{font:9px monospace;fill:#64748b;text-anchor:middle}" +
        ".l{font:11px monospace;fill:#0f172a;text-anchor:middle;dominant-baseline:central}" +
        ".free{fill:none;stroke:#e2e8f0}" +
        ".field{fill:#dbeafe;stroke:#1d4ed8}" +
        ".present{fill:#bbf7d0;stroke:#15803d}" +
        ".reserved{fill:url(#hatch);stroke:#6b7280}" +
        ".common{fill:#e2e8f0;stroke:#94a3b8}" +
        ".one{fill:#fcd34d;stroke:#b45309}" +
        ".zero{fill:none;stroke:#e2e8f0}" +
        ".z{fill:#94a3b8}" +
        ".byte{stroke:#475569;stroke-width:1.5}";

    /// <summary>The SVG document for <paramref name="layout"/>.</summary>
    public static string Write(FormatLayout layout)
    {
        var format = layout.Format;
        var labelWidth = Math.Ceiling(layout.Lanes.Max(lane => Math.Max(
            lane.Title.Length * TitleCharWidth,
            (lane.Subtitle?.Length ?? 0) * SmallCharWidth))) + 12;
        var x0 = Margin + labelWidth;
        var heights = layout.Lanes.Select(LaneHeight).ToList();
        var lanesTop = Margin + 40 + BitNumberRow;
        var lanesBottom = lanesTop + heights.Sum() + LaneGap * (heights.Count - 1);
        var width = x0 + 64 * Cell + Margin;
        var height = lanesBottom + 16 + 14 + Margin;

        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(width)}\" height=\"{N(height)}\" viewBox=\"0 0 {N(width)} {N(height)}\">\n");
        svg.Append($"<title>{Escape(format.FullName)} bit layout</title>\n");
        svg.Append("<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">");
        svg.Append("<rect width=\"6\" height=\"6\" fill=\"#e5e7eb\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#9ca3af\" stroke-width=\"2\"/></pattern></defs>\n");
        svg.Append($"<style>{Style}</style>\n");
        svg.Append($"<rect width=\"{N(width)}\" height=\"{N(height)}\" fill=\"#ffffff\"/>\n");
        svg.Append($"<text class=\"t\" x=\"{N(Margin)}\" y=\"{N(Margin + 14)}\">{Escape(format.Name)}</text>\n");
        svg.Append($"<text class=\"s\" x=\"{N(Margin)}\" y=\"{N(Margin + 32)}\">{Escape(Subtitle(format))}</text>\n");

        for (var bit = 63; bit >= 0; bit--)
        {
            svg.Append($"<text class=\"n\" x=\"{N(X(x0, bit) + Cell / 2)}\" y=\"{N(lanesTop - 5)}\">{N(bit)}</text>\n");
        }

        // Byte boundaries go under the lanes: they show between the bit numbers and through
        // unused bits, and never cross a field's label.
        for (var boundary = 0; boundary <= 64; boundary += 8)
        {
            var x = x0 + boundary * Cell;
            svg.Append($"<line class=\"byte\" x1=\"{N(x)}\" y1=\"{N(lanesTop - BitNumberRow)}\" x2=\"{N(x)}\" y2=\"{N(lanesBottom + 2)}\"/>\n");
        }

        var top = lanesTop;
        for (var i = 0; i < layout.Lanes.Count; i++)
        {
            WriteLane(svg, layout.Lanes[i], x0, top, heights[i]);
            top += heights[i] + LaneGap;
        }

        WriteKey(svg, x0, lanesBottom + 16);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void WriteLane(StringBuilder svg, LayoutLane lane, double x0, double top, double height)
    {
        var middle = top + height / 2;
        if (lane.Subtitle is null)
        {
            svg.Append($"<text class=\"lt\" x=\"{N(Margin)}\" y=\"{N(middle + 4)}\">{Escape(lane.Title)}</text>\n");
        }
        else
        {
            svg.Append($"<text class=\"lt\" x=\"{N(Margin)}\" y=\"{N(middle - 1)}\">{Escape(lane.Title)}</text>\n");
            svg.Append($"<text class=\"ls\" x=\"{N(Margin)}\" y=\"{N(middle + 10)}\">{Escape(lane.Subtitle)}</text>\n");
        }

        foreach (var segment in lane.Segments.OrderByDescending(segment => segment.High))
        {
            if (segment.Kind == SegmentKind.Free)
            {
                // Free bits keep their cell outlines so bit positions stay countable.
                for (var bit = segment.High; bit >= segment.Low; bit--)
                {
                    svg.Append($"<rect class=\"free\" x=\"{N(X(x0, bit))}\" y=\"{N(top)}\" width=\"{N(Cell)}\" height=\"{N(height)}\"/>\n");
                }

                continue;
            }

            var x = X(x0, segment.High);
            var w = segment.Width * Cell;
            svg.Append($"<g><title>{Escape(segment.Tooltip)}</title>");
            svg.Append($"<rect class=\"{ClassOf(segment.Kind)}\" x=\"{N(x)}\" y=\"{N(top)}\" width=\"{N(w)}\" height=\"{N(height)}\"/>");
            if (segment.Label.Length > 0)
            {
                var cx = x + w / 2;
                var textClass = segment.Kind == SegmentKind.Zero ? "l z" : "l";
                var rotate = FitsAcross(segment) ? string.Empty : $" transform=\"rotate(-90 {N(cx)} {N(middle)})\"";
                svg.Append($"<text class=\"{textClass}\" x=\"{N(cx)}\" y=\"{N(middle)}\"{rotate}>{Escape(segment.Label)}</text>");
            }

            svg.Append("</g>\n");
        }
    }

    private static void WriteKey(StringBuilder svg, double x0, double top)
    {
        (string Class, string Text)[] entries =
        [
            ("field", "field"),
            ("present", "present bit"),
            ("reserved", "reserved (must be zero)"),
            ("common", "common field (in a view)"),
            ("one", "bit set"),
        ];
        var x = x0;
        foreach (var (cssClass, text) in entries)
        {
            svg.Append($"<rect class=\"{cssClass}\" x=\"{N(x)}\" y=\"{N(top)}\" width=\"14\" height=\"14\"/>");
            svg.Append($"<text class=\"s\" x=\"{N(x + 20)}\" y=\"{N(top + 11)}\">{Escape(text)}</text>\n");
            x += 20 + text.Length * CharWidth + 24;
        }
    }

    private static double LaneHeight(LayoutLane lane)
    {
        if (lane.IsValue)
        {
            return ValueLaneHeight;
        }

        // Labels that do not fit across their segment are drawn upright; the lane is as tall as
        // the longest of them.
        var upright = lane.Segments.Where(segment => segment.Label.Length > 0 && !FitsAcross(segment))
            .Select(segment => segment.Label.Length * CharWidth + 10)
            .DefaultIfEmpty(0)
            .Max();
        return Math.Max(MinFieldLaneHeight, Math.Ceiling(upright));
    }

    private static bool FitsAcross(LayoutSegment segment) => segment.Label.Length * CharWidth + 6 <= segment.Width * Cell;

    private static string Subtitle(FormatModel format) =>
        $"{format.FullName} | non-present value {BitText.Hex16(format.NonPresentValue)} | present: {BitText.Describe(format.PresentMask)}";

    private static string ClassOf(SegmentKind kind) => kind switch
    {
        SegmentKind.Field => "field",
        SegmentKind.PresentField => "present",
        SegmentKind.Reserved => "reserved",
        SegmentKind.Common => "common",
        SegmentKind.One => "one",
        SegmentKind.Zero => "zero",
        _ => "free",
    };

    private static double X(double x0, int bit) => x0 + (63 - bit) * Cell;

    private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal)
            .Replace("\"", "&quot;", StringComparison.Ordinal);
}

using System;
using System.IO;
using System.Linq;
using ScottPlot;

namespace Spte.Benchmarks;

/// <summary><c>mmu-plot CSV PNG</c>: per-fault cost of the full simulated path against mapped pages (log-log), C reference (plain and with KVM's locked operations) and runtime, EPT and NPT, dense and random.</summary>
internal static class MmuPlot
{
    public static void Write(string csvPath, string pngPath)
    {
        var rows = File.ReadAllLines(csvPath).Skip(1).Where(l => l.Length > 0).Select(MmuScaleRow.FromCsv).ToList();
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var index = 0;
        foreach (var group in rows.GroupBy(r => (r.Impl, r.Density)).OrderBy(g => g.Key.Impl).ThenBy(g => g.Key.Density))
        {
            var points = group.OrderBy(r => r.Pages).ToArray();
            var line = plot.Add.Scatter(
                points.Select(r => Math.Log10(r.Pages)).ToArray(),
                points.Select(r => Math.Log10(r.FaultNs)).ToArray(),
                palette.GetColor(index++));
            line.LegendText = $"{group.Key.Impl switch { CReference.Plain => "C reference", CReference.KvmSync => "C + KVM's locked ops", var format => "runtime " + format }}, {group.Key.Density}";
            line.LineStyle.Pattern = group.Key.Density == "dense" ? LinePattern.Solid : LinePattern.Dashed;
            line.MarkerSize = 7;
        }

        // Issue 6's target: 20x cheaper than a real KVM fault (3.1 us).
        var target = plot.Add.HorizontalLine(Math.Log10(155), 1, palette.GetColor(index), LinePattern.Dotted);
        target.LegendText = "target: 155 ns (KVM fault / 20)";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [3, 4, 5, 6], ["1K", "10K", "100K", "1M"]);
        double[] yTicks = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            yTicks.Select(Math.Log10).ToArray(), yTicks.Select(y => y.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        var all = rows.Select(r => Math.Log10(r.FaultNs)).Append(Math.Log10(155)).ToArray();
        plot.Axes.SetLimits(2.8, 6.2, all.Min() - 0.15, all.Max() + 0.15);
        plot.Title("Full simulated fault (walk fails → violation → fault → map → retried walk)");
        plot.XLabel("mapped pages (log)");
        plot.YLabel("ns per fault (log)");
        // Outside the data area: no corner of it is free of lines at every size.
        plot.ShowLegend(Edge.Right);
        plot.SavePng(pngPath, 1100, 560);
        Console.WriteLine($"wrote {pngPath}");
    }
}

using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Spte.Benchmarks;

/// <summary>
/// Reads the output of ../shared/anchors/tdp_ref.c, or of scripts/tdp_kvm_sync.c (the same lines),
/// into rows of implementation <paramref name="impl"/>. C's map is the walk and the stores alone, so it
/// fills both map columns.
/// </summary>
internal static partial class CReference
{
    /// <summary>The plain C reference, ../shared/anchors/tdp_ref.c.</summary>
    public const string Plain = "C";

    /// <summary>scripts/tdp_kvm_sync.c: the plain reference plus the locked operations KVM performs on the same path.</summary>
    public const string KvmSync = "C-sync";

    public static List<MmuScaleRow> Parse(IEnumerable<string> lines, string impl)
    {
        var maps = new Dictionary<(string, int), (double Map, double Zap)>();
        var rows = new List<MmuScaleRow>();
        foreach (var line in lines)
        {
            if (MapLine().Match(line) is { Success: true } m)
            {
                maps[(m.Groups[1].Value, N(m.Groups[2]))] = (D(m.Groups[3]), D(m.Groups[4]));
            }
            else if (FaultLine().Match(line) is { Success: true } f && maps.TryGetValue((f.Groups[1].Value, N(f.Groups[2])), out var mz))
            {
                rows.Add(new MmuScaleRow(impl, f.Groups[1].Value, N(f.Groups[2]), mz.Map, mz.Map, mz.Zap, D(f.Groups[3]), D(f.Groups[4])));
            }
        }

        return rows;
    }

    private static int N(Group g) => int.Parse(g.Value, CultureInfo.InvariantCulture);

    private static double D(Group g) => double.Parse(g.Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(\w+) n=(\d+) map ([\d.]+) ns/page zap ([\d.]+) ns/leaf")]
    private static partial Regex MapLine();

    [GeneratedRegex(@"^(\w+) n=(\d+) fault ([\d.]+) ns/fault .* walk ([\d.]+) ns/access")]
    private static partial Regex FaultLine();
}

using System.Globalization;

namespace Spte.Benchmarks;

/// <summary>
/// One line of the MMU scale results: an implementation (<c>C</c>, <c>C-sync</c>, <c>EPT</c>, <c>NPT</c>), a
/// workload (<c>dense</c> or <c>random25</c>) and a size, with nanoseconds per map (the runtime's
/// whole fault handler), per map step (<c>kvm_tdp_mmu_map</c> alone; C's map for C), per zapped
/// leaf, per full fault and per translating walk. The CSV form is what <c>mmu-plot</c> reads.
/// </summary>
internal sealed record MmuScaleRow(string Impl, string Density, int Pages, double MapNs, double MapStepNs, double ZapNs, double FaultNs, double WalkNs)
{
    public const string CsvHeader = "impl,density,pages,map_ns,map_step_ns,zap_ns,fault_ns,walk_ns";

    public string ToCsv() => string.Create(CultureInfo.InvariantCulture, $"{Impl},{Density},{Pages},{MapNs:F2},{MapStepNs:F2},{ZapNs:F2},{FaultNs:F2},{WalkNs:F2}");

    public static MmuScaleRow FromCsv(string line)
    {
        var f = line.Split(',');
        return new MmuScaleRow(f[0], f[1], int.Parse(f[2], CultureInfo.InvariantCulture), D(f[3]), D(f[4]), D(f[5]), D(f[6]), D(f[7]));
    }

    private static double D(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}

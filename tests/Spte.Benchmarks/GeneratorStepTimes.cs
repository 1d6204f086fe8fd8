using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Spte.Benchmarks;

/// <summary>
/// Where a generator run spends its time: runs the generator with step tracking over
/// <see cref="ScaleSource"/> and prints Roslyn's elapsed time per pipeline step for a full run,
/// for the re-run after an unrelated edit, and for a full run on a compilation whose declarations
/// the compiler has already bound. The last one separates the generator's own work from the
/// binding it triggers (a symbol binds its attributes once per compilation, for whoever asks
/// first). Tracking adds its own cost, so wall times here are above
/// <see cref="GeneratorBenchmarks"/>'; the split is the point.
/// </summary>
public static class GeneratorStepTimes
{
    private delegate GeneratorDriver Scenario(CSharpCompilationPair compilations);

    /// <summary>Prints the step times for <paramref name="formats"/> formats, best wall time of <paramref name="runs"/> runs each.</summary>
    public static void Print(int formats, int runs)
    {
        var trees = ScaleCompilation.Parse(formats);
        var unrelated = trees.Single(static t => t.FilePath == ScaleSource.UnrelatedPath);
        var edited = unrelated.WithChangedText(SourceText.From(ScaleSource.Unrelated(1)));

        Measure($"full run, {formats} formats", runs, () => new(ScaleCompilation.Create(trees), null),
            static c => ScaleCompilation.NewDriver(trackSteps: true).RunGenerators(c.Compilation));
        Measure($"re-run after an unrelated edit, {formats} formats", runs,
            () =>
            {
                var compilation = ScaleCompilation.Create(trees);
                return new(compilation.ReplaceSyntaxTree(unrelated, edited), ScaleCompilation.NewDriver(trackSteps: true).RunGenerators(compilation));
            },
            static c => c.Driver!.RunGenerators(c.Compilation));
        Measure($"full run, {formats} formats, declarations already bound by the compiler", runs,
            () =>
            {
                var compilation = ScaleCompilation.Create(trees);
                _ = compilation.GetDeclarationDiagnostics();
                return new(compilation, null);
            },
            static c => ScaleCompilation.NewDriver(trackSteps: true).RunGenerators(c.Compilation));
    }

    private static void Measure(string title, int runs, Func<CSharpCompilationPair> prepare, Scenario scenario)
    {
        using var process = Process.GetCurrentProcess();
        (double WallMs, double CpuMs, GeneratorDriver Driver)? best = null;
        for (var run = 0; run < runs; run++)
        {
            var input = prepare();
            var cpu = CpuMs(process);
            var clock = Stopwatch.StartNew();
            var driver = scenario(input);
            var wallMs = clock.Elapsed.TotalMilliseconds;
            var cpuMs = CpuMs(process) - cpu;
            if (best is null || wallMs < best.Value.WallMs)
            {
                best = (wallMs, cpuMs, driver);
            }
        }

        var (bestWall, bestCpu, bestDriver) = best!.Value;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{title}: {bestWall:F1} ms wall, {bestCpu:F1} ms process CPU (best of {runs})"));
        var result = bestDriver.GetRunResult().Results.Single();

        // Output steps are listed in both dictionaries; count each name once.
        var steps = result.TrackedSteps.Concat(result.TrackedOutputSteps)
            .DistinctBy(static s => s.Key)
            .Select(static s => (Name: s.Key, Ms: s.Value.Sum(static r => r.ElapsedTime.TotalMilliseconds), Runs: s.Value.Length))
            .Where(static s => s.Ms >= 1)
            .OrderByDescending(static s => s.Ms);
        foreach (var (name, ms, count) in steps)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-56} {ms,8:F1} ms  ({count} runs)"));
        }
    }

    /// <summary>CPU time of the whole process: on a shared machine it moves less than wall time.</summary>
    private static double CpuMs(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime.TotalMilliseconds;
    }

    /// <summary>The compilation a scenario runs on, and the driver state it starts from (if any).</summary>
    private sealed record CSharpCompilationPair(Compilation Compilation, GeneratorDriver? Driver);
}

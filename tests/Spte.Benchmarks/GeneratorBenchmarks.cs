using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Spte.Benchmarks;

/// <summary>
/// The generator driven in process over <see cref="ScaleSource"/>: one full run on a fresh
/// compilation, and the incremental re-run after an edit to a file no format depends on.
/// Parsing is done once in setup (it is the compiler's cost, not the generator's); each run gets
/// a new <see cref="Compilation"/>, as a build or an IDE edit does.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private SyntaxTree unrelated = null!;
    private SyntaxTree unrelatedEdited = null!;
    private SyntaxTree[] trees = [];
    private CSharpCompilation compilation = null!;
    private GeneratorDriver warmDriver = null!;

    /// <summary>How many formats the compilation declares.</summary>
    [Params(1, 100, 1000)]
    public int Formats { get; set; }

    /// <summary>Parses the sources, checks one full run is clean, and checks the edit re-emits nothing.</summary>
    [GlobalSetup]
    public void Setup()
    {
        trees = ScaleCompilation.Parse(Formats);
        unrelated = trees.Single(static t => t.FilePath == ScaleSource.UnrelatedPath);
        unrelatedEdited = unrelated.WithChangedText(SourceText.From(ScaleSource.Unrelated(1)));
        compilation = ScaleCompilation.Create(trees);
        warmDriver = ScaleCompilation.NewDriver(trackSteps: false).RunGenerators(compilation);
        CheckFullRun();
        CheckUnrelatedEditReEmitsNothing();
    }

    /// <summary>A cold generator run: new driver, new compilation.</summary>
    [Benchmark]
    public GeneratorDriver FullRun() => ScaleCompilation.NewDriver(trackSteps: false).RunGenerators(ScaleCompilation.Create(trees));

    /// <summary>The re-run after an unrelated edit, from the state the full run left.</summary>
    [Benchmark]
    public GeneratorDriver RunAfterUnrelatedEdit() => warmDriver.RunGenerators(compilation.ReplaceSyntaxTree(unrelated, unrelatedEdited));

    /// <summary>One source per format, and the output compiles with no warning or error.</summary>
    private void CheckFullRun()
    {
        warmDriver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var problems = generatorDiagnostics.Concat(output.GetDiagnostics())
            .Where(static d => d.Severity >= DiagnosticSeverity.Warning)
            .ToList();
        var generated = warmDriver.GetRunResult().GeneratedTrees.Length;
        if (problems.Count > 0 || generated != Formats)
        {
            throw new InvalidOperationException(
                $"expected {Formats} clean generated files, got {generated}: " + string.Join("; ", problems.Take(5)));
        }
    }

    /// <summary>
    /// After an edit to a file no format depends on, every source output step must be cached
    /// or unchanged: the generator re-emits nothing.
    /// </summary>
    private void CheckUnrelatedEditReEmitsNothing()
    {
        var driver = ScaleCompilation.NewDriver(trackSteps: true).RunGenerators(compilation);
        var result = driver.RunGenerators(compilation.ReplaceSyntaxTree(unrelated, unrelatedEdited)).GetRunResult().Results.Single();
        var reasons = result.TrackedOutputSteps
            .SelectMany(static step => step.Value)
            .SelectMany(static run => run.Outputs)
            .Select(static output => output.Reason)
            .ToList();
        var emitted = reasons.Count(static r => r is IncrementalStepRunReason.New or IncrementalStepRunReason.Modified);
        if (reasons.Count == 0 || emitted > 0)
        {
            throw new InvalidOperationException(
                $"an unrelated edit re-ran {emitted} of {reasons.Count} source outputs: " + string.Join(", ", reasons));
        }

        // Roslyn re-runs a ForAttributeWithMetadataName transform for every matched node once the
        // compilation changes (only the syntax side is cached per tree), so the parse step still
        // runs per format; its output compares equal and everything after it stops there.
        var parses = result.TrackedSteps["Declarations"].SelectMany(static run => run.Outputs).GroupBy(static o => o.Reason)
            .Select(static g => $"{g.Count()} {g.Key}");
        Console.WriteLine($"// unrelated edit: {reasons.Count} source outputs, all cached or unchanged; Declarations step: {string.Join(", ", parses)}");
    }
}

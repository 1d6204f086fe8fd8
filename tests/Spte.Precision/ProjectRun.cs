using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Spte.Precision;

/// <summary>What one project gave: sizes, compiler errors, the toolkit's findings and times.</summary>
internal sealed record ProjectResult(
    string Name,
    int Files,
    int Lines,
    int CompilerErrors,
    string CommonErrors,
    int Slots,
    IReadOnlyList<Diagnostic> GeneratorDiagnostics,
    IReadOnlyList<Diagnostic> SpteDiagnostics,
    IReadOnlyList<string> AnalyzerExceptions,
    int AnalyzersActive,
    TimeSpan Compile,
    TimeSpan AnalyzerDriver,
    TimeSpan AnalyzerExecution);

/// <summary>
/// Compiles one project in process and runs the toolkit over it. Timed in three parts: the
/// compiler's own diagnostics (binding every method body, as a build does before emit), the
/// analyzer driver (which re-binds to build operation trees) and, from Roslyn's telemetry, the
/// time inside the toolkit analyzers' callbacks: the figure <c>-p:ReportAnalyzer=true</c> prints.
/// </summary>
internal static class ProjectRun
{
    // The SDK's implicit global usings for Microsoft.NET.Sdk projects.
    private static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    public static async Task<(ProjectResult Result, Compilation Compilation)> RunAsync(
        ProjectFile project, IReadOnlyList<MetadataReference> projectReferences, Toolkit toolkit, ulong? probeNonPresentValue)
    {
        // Release builds of an SDK project define these; no repository here needs another symbol to parse.
        var parse = new CSharpParseOptions(LanguageVersion.Preview, preprocessorSymbols: ["TRACE", "RELEASE", "NET", "NETCOREAPP", "NET10_0_OR_GREATER"]);
        var trees = new List<SyntaxTree>();
        var lines = 0;
        foreach (var file in project.Sources)
        {
            var text = SourceText.From(File.ReadAllText(file));
            lines += text.Lines.Count;
            trees.Add(CSharpSyntaxTree.ParseText(text, parse, file));
        }

        var probe = new SlotProbe();
        if (probeNonPresentValue is { } nonPresent)
        {
            trees = trees.ConvertAll(t => t.WithRootAndOptions(probe.Visit(t.GetRoot()), t.Options));
            trees.Add(CSharpSyntaxTree.ParseText(SlotProbe.Declaration(nonPresent), parse, "ProbeSpte.cs"));
        }

        // The SDK writes the version into the assembly; a corlib's (MOSA's Korlib is System.Runtime
        // 8.0.0.0) must match what the attributes assembly was built against, or its types do not bind.
        if (project.Properties.TryGetValue("AssemblyVersion", out var version) && Version.TryParse(version, out _))
        {
            trees.Add(CSharpSyntaxTree.ParseText($"[assembly: global::System.Reflection.AssemblyVersion(\"{version}\")]", parse, "AssemblyInfo.g.cs"));
        }

        var usings = (project.IsOn("ImplicitUsings") ? ImplicitUsings : []).Concat(project.Usings).Distinct(StringComparer.Ordinal).ToList();
        if (usings.Count > 0)
        {
            trees.Add(CSharpSyntaxTree.ParseText(string.Concat(usings.Select(u => $"global using global::{u};\n")), parse, "GlobalUsings.g.cs"));
        }

        // A project without the framework gets none (MOSA's kernels build on their own corlib). One
        // that is its own corlib (no project references either) cannot take the attributes: any
        // reference stops the compiler taking its System.Object as the corlib's, so the analyzers idle.
        var references = new List<MetadataReference>(projectReferences);
        var noFramework = project.IsOn("DisableImplicitFrameworkReferences");
        if (!noFramework)
        {
            references.AddRange(Basic.Reference.Assemblies.Net100.References.All);
        }

        if (!noFramework || project.ProjectReferences.Count > 0)
        {
            references.Add(toolkit.Annotations);
        }

        var options = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            allowUnsafe: project.IsOn("AllowUnsafeBlocks"),
            nullableContextOptions: project.IsOn("Nullable") ? NullableContextOptions.Enable : NullableContextOptions.Disable,
            concurrentBuild: false);
        var compilation = (Compilation)CSharpCompilation.Create(project.Name, trees, references, options);

        CSharpGeneratorDriver.Create(toolkit.Generators, parseOptions: parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out compilation, out var generatorDiagnostics);

        var clock = Stopwatch.StartNew();
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var compile = clock.Elapsed;

        // What the errors are tells a missing package (CS0246) from a harness guess gone wrong.
        var common = string.Join(", ", errors.GroupBy(d => d.Id).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(3).Select(g => $"{g.Key}×{g.Count()}"));

        var exceptions = new List<string>();
        var withAnalyzers = compilation.WithAnalyzers(
            toolkit.Analyzers,
            new CompilationWithAnalyzersOptions(
                new AnalyzerOptions([]),
                onAnalyzerException: (exception, analyzer, _) =>
                {
                    lock (exceptions)
                    {
                        exceptions.Add($"{analyzer}: {exception}");
                    }
                },
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: true,
                reportSuppressedDiagnostics: false));
        clock.Restart();
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync().ConfigureAwait(false);
        var driver = clock.Elapsed;

        var execution = TimeSpan.Zero;
        var active = 0;
        foreach (var analyzer in toolkit.Analyzers)
        {
            var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, default).ConfigureAwait(false);
            execution += telemetry.ExecutionTime;

            // An analyzer that found the attributes registers its operation action at compilation start.
            active += telemetry.OperationActionsCount > 0 ? 1 : 0;
        }

        exceptions.AddRange(diagnostics.Where(d => d.Id == "AD0001").Select(d => d.ToString()));
        var result = new ProjectResult(
            project.Name,
            project.Sources.Count,
            lines,
            errors.Count,
            common,
            probe.Marked,
            generatorDiagnostics,
            diagnostics.Where(d => d.Id.StartsWith("SPTE", StringComparison.Ordinal)).ToList(),
            exceptions,
            active,
            compile,
            driver,
            execution);
        return (result, compilation);
    }
}

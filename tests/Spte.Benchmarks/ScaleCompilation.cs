using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Spte.Generator;

namespace Spte.Benchmarks;

/// <summary>
/// In-memory compilations of <see cref="ScaleSource"/> and generator drivers over them, set up
/// the way the SDK compiles a net10.0 library (C# 13, nullable on, CS1701/CS1702 off).
/// </summary>
public static class ScaleCompilation
{
    /// <summary>C# 13: partial properties.</summary>
    public static readonly CSharpParseOptions ParseOptions = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.CSharp13);

    private static readonly MetadataReference[] References =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(SpteFormatAttribute).Assembly.Location),
    ];

    /// <summary>The parsed sources of a project with <paramref name="formats"/> formats.</summary>
    public static SyntaxTree[] Parse(int formats) =>
        [.. ScaleSource.Files(formats).Select(static f => CSharpSyntaxTree.ParseText(f.Text, ParseOptions, f.Path))];

    /// <summary>A new compilation of <paramref name="trees"/>.</summary>
    public static CSharpCompilation Create(IEnumerable<SyntaxTree> trees) => CSharpCompilation.Create(
        "Scale",
        trees,
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
            // What the SDK passes too: the net8.0 attributes library binds to net10.0's System.Runtime.
            .WithSpecificDiagnosticOptions([new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]));

    /// <summary>A new driver for the Spte generator; <paramref name="trackSteps"/> records each step's outputs and time.</summary>
    public static GeneratorDriver NewDriver(bool trackSteps) => CSharpGeneratorDriver.Create(
        [new SpteGenerator().AsSourceGenerator()],
        parseOptions: ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackSteps));
}

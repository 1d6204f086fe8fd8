using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Spte.Generator;

namespace Spte.Cli.Tests.Infrastructure;

/// <summary>
/// Compiles a user's format assembly the way a build would (the real generator, C# 13) and writes
/// it to a fresh folder, so the CLI can load it by path like any user's bin/ output.
/// </summary>
internal static class UserFormatAssembly
{
    /// <summary>Compiles <paramref name="source"/> into <c>{folder}/{name}.dll</c> and returns the path.</summary>
    /// <param name="source">The C# source declaring formats.</param>
    /// <param name="name">The assembly name.</param>
    /// <param name="withAnnotations">Whether to copy Spte.Annotations.dll beside it (an app's bin/ has it, a library's does not).</param>
    public static string Compile(string source, string name, bool withAnnotations)
    {
        var annotations = typeof(SpteFormatAttribute).Assembly.Location;
        var compilation = CSharpCompilation.Create(
            name,
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.CSharp13))],
            [.. Basic.Reference.Assemblies.Net100.References.All, MetadataReference.CreateFromFile(annotations)],
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                specificDiagnosticOptions: [new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]));

        CSharpGeneratorDriver.Create(new SpteGenerator())
            .WithUpdatedParseOptions(new CSharpParseOptions(LanguageVersion.CSharp13))
            .RunGeneratorsAndUpdateCompilation(compilation, out var generated, out _);

        var folder = Path.Combine(Path.GetTempPath(), "spte-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".dll");
        var result = generated.Emit(path);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (!result.Success || errors.Count > 0)
        {
            throw new InvalidOperationException("test format did not compile: " + string.Join("; ", errors));
        }

        if (withAnnotations)
        {
            File.Copy(annotations, Path.Combine(folder, Path.GetFileName(annotations)));
        }

        return path;
    }
}

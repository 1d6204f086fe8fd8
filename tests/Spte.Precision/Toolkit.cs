using System;
using System.Collections.Immutable;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Spte.Precision;

/// <summary>
/// The toolkit as a user gets it: a packed <c>Spte.Toolkit</c> .nupkg, unzipped, its
/// <c>analyzers/dotnet/cs</c> assemblies loaded the way the compiler loads them and its
/// <c>lib/</c> attributes assembly referenced (with it the analyzers are active; without it they
/// return at compilation start).
/// </summary>
internal sealed class Toolkit
{
    private Toolkit(ImmutableArray<DiagnosticAnalyzer> analyzers, ImmutableArray<ISourceGenerator> generators, MetadataReference annotations)
    {
        Analyzers = analyzers;
        Generators = generators;
        Annotations = annotations;
    }

    public ImmutableArray<DiagnosticAnalyzer> Analyzers { get; }

    public ImmutableArray<ISourceGenerator> Generators { get; }

    public MetadataReference Annotations { get; }

    public static Toolkit Load(string nupkg)
    {
        var directory = Path.Combine(Path.GetTempPath(), "spte-precision", Path.GetFileNameWithoutExtension(nupkg));
        ZipFile.ExtractToDirectory(nupkg, directory, overwriteFiles: true);
        var loader = new Loader();
        var references = Directory.EnumerateFiles(Path.Combine(directory, "analyzers", "dotnet", "cs"), "*.dll")
            .Order(StringComparer.Ordinal)
            .Select(path => new AnalyzerFileReference(path, loader))
            .ToList();
        foreach (var reference in references)
        {
            reference.AnalyzerLoadFailed += (_, e) => throw new InvalidOperationException($"{reference.FullPath}: {e.Message}", e.Exception);
        }

        var annotations = Directory.EnumerateFiles(Path.Combine(directory, "lib"), "Spte.Annotations.dll", SearchOption.AllDirectories).Single();
        return new Toolkit(
            references.SelectMany(r => r.GetAnalyzers(LanguageNames.CSharp)).ToImmutableArray(),
            references.SelectMany(r => r.GetGenerators(LanguageNames.CSharp)).ToImmutableArray(),
            MetadataReference.CreateFromFile(annotations));
    }

    // The analyzers bind to this process's Microsoft.CodeAnalysis, as they do inside csc.
    private sealed class Loader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}

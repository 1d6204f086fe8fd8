using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Spte.Generator.Tests.Infrastructure;

/// <summary>
/// The compiler settings every in-memory compilation shares: C# 13 (the floor for partial
/// properties), documentation comments checked, nullable on and every warning level enabled, so
/// that generated code has to be as clean as a consumer with warnings-as-errors demands.
/// </summary>
internal static class TestCompilation
{
    public static readonly CSharpParseOptions ParseOptions =
        new(LanguageVersion.CSharp13, DocumentationMode.Diagnose);

    /// <summary>Built once: reading ~200 reference assemblies is the slowest part of a small compilation.</summary>
    public static readonly ImmutableArray<MetadataReference> References =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(SpteFormatAttribute).Assembly.Location),
    ];

    /// <summary>
    /// CS1701/CS1702 (Spte.Annotations targets net8.0, so it asks for System.Runtime 8.0) are
    /// suppressed exactly as the .NET SDK's default NoWarn does for every consumer.
    /// </summary>
    public static readonly CSharpCompilationOptions Options = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        warningLevel: 9999,
        deterministic: true,
        specificDiagnosticOptions: [new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]);

    /// <summary>A compilation of <paramref name="sources"/>, each parsed with its path so diagnostics can be traced back.</summary>
    public static CSharpCompilation Create(string assemblyName, params SourceFile[] sources) =>
        CSharpCompilation.Create(
            assemblyName,
            sources.Select(static s => Parse(s)),
            References,
            Options);

    public static SyntaxTree Parse(SourceFile source) =>
        CSharpSyntaxTree.ParseText(source.Text, ParseOptions, source.Path);

    /// <summary>Diagnostics a consumer building with warnings as errors would see: warnings and errors, not suppressed.</summary>
    public static ImmutableArray<Diagnostic> Blocking(ImmutableArray<Diagnostic> diagnostics) =>
        [.. diagnostics.Where(static d => d.Severity >= DiagnosticSeverity.Warning && !d.IsSuppressed)];
}

/// <summary>One source file of a test compilation.</summary>
internal sealed record SourceFile(string Path, string Text);

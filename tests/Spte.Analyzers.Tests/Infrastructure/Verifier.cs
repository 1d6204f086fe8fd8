using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace Spte.Analyzers.Tests.Infrastructure;

/// <summary>
/// Runs <see cref="NonPresentAnalyzer"/> with one code fix over a test source plus <see cref="Formats"/>,
/// with no download: .NET 10 reference assemblies from Basic.Reference.Assemblies, unsafe code allowed.
/// Markup: <c>{|SPTE1001:0|}</c> marks the exact span of an expected diagnostic.
/// </summary>
/// <typeparam name="TFix">The code fix under test.</typeparam>
internal static class Verifier<TFix>
    where TFix : CodeFixProvider, new()
{
    /// <summary>Only the analyzer: every marked diagnostic and nothing else.</summary>
    public static Task DiagnosticsAsync(string source) => new Test(source, fixedSource: null).RunAsync();

    /// <summary>Only the analyzer, over several files of one project (markup in any of them).</summary>
    public static Task DiagnosticsAsync(params (string Name, string Source)[] sources)
    {
        var test = new Test(string.Empty, fixedSource: null);
        test.TestState.Sources.Clear();
        foreach (var source in sources)
        {
            test.TestState.Sources.Add(source);
        }

        test.TestState.Sources.Add((Formats.FileName, Formats.Source));
        return test.RunAsync();
    }

    /// <summary>
    /// Only the analyzer, under an <c>.editorconfig</c>: exactly <paramref name="expected"/> (markup
    /// locations <c>{|#0:…|}</c>) and nothing else.
    /// </summary>
    public static Task DiagnosticsAsync(string source, string editorConfig, params DiagnosticResult[] expected)
    {
        var test = new Test(source, fixedSource: null);
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", editorConfig));
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>
    /// Only the analyzer, with the formats compiled into a referenced assembly instead of the same
    /// project: how a user sees formats that come from a library.
    /// </summary>
    public static Task DiagnosticsWithMetadataFormatsAsync(string source, MetadataReference formats)
    {
        var test = new Test(source, fixedSource: null, formatsInSource: false);
        test.TestState.AdditionalReferences.Add(formats);
        return test.RunAsync();
    }

    /// <summary>
    /// The analyzer, then the fix one diagnostic at a time and through Fix All (document, project,
    /// solution); each result must equal <paramref name="fixedSource"/> and compile without errors.
    /// </summary>
    public static Task FixAsync(string source, string fixedSource) => new Test(source, fixedSource).RunAsync();

    private sealed class Test : CSharpCodeFixTest<NonPresentAnalyzer, TFix, DefaultVerifier>
    {
        public Test(string source, string? fixedSource, bool formatsInSource = true)
        {
            ReferenceAssemblies = new ReferenceAssemblies("net10.0");
            TestCode = source;
            Configure(TestState, formatsInSource);
            if (fixedSource is not null)
            {
                FixedCode = fixedSource;
                Configure(FixedState, formatsInSource);
            }

            SolutionTransforms.Add((solution, projectId) =>
            {
                var options = (CSharpCompilationOptions)solution.GetProject(projectId)!.CompilationOptions!;
                return solution.WithProjectCompilationOptions(projectId, options.WithAllowUnsafe(true));
            });
        }

        private static void Configure(SolutionState state, bool formatsInSource)
        {
            if (formatsInSource)
            {
                state.Sources.Add((Formats.FileName, Formats.Source));
            }

            state.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net100.References.All);
            state.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(SpteFormatAttribute).Assembly.Location));
        }
    }
}

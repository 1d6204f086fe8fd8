using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Spte.Generator.Tests.Infrastructure;

/// <summary>Reads where a generator diagnostic points, as the source text a user would see underlined.</summary>
internal static class DiagnosticAssert
{
    public const string FileName = "Format.cs";

    /// <summary>The source text under <paramref name="diagnostic"/>'s location in the run's input.</summary>
    public static string SourceAt(GeneratorRun run, Diagnostic diagnostic)
    {
        var path = diagnostic.Location.GetLineSpan().Path;
        var tree = run.Input.SyntaxTrees.SingleOrDefault(t => t.FilePath == path);
        Assert.True(tree is not null, $"{diagnostic.Id} is located in '{path}', which is not an input file");
        return tree.GetText().ToString(diagnostic.Location.SourceSpan);
    }

    /// <summary>
    /// Runs the generator on <paramref name="source"/> and asserts it reports exactly one
    /// diagnostic: <paramref name="id"/>, an error, underlining <paramref name="span"/>, saying <paramref name="message"/>.
    /// </summary>
    public static GeneratorRun Single(string source, string id, string span, string message)
    {
        var run = GeneratorRun.Of(new SourceFile(FileName, source));
        Assert.Null(run.Single.Exception);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(span, SourceAt(run, diagnostic));
        Assert.Equal(message, diagnostic.GetMessage(CultureInfo.InvariantCulture));
        return run;
    }

    /// <summary>A format with an MMU-present bit and a PFN, plus <paramref name="attributes"/> and <paramref name="members"/>.</summary>
    public static string Format(string attributes = "", string members = "", string nonPresent = "1UL << 63") => $$"""
        using Spte;

        namespace Diag;

        [SpteFormat(NonPresentValue = {{nonPresent}})]
        {{attributes}}
        internal partial struct X
        {
            [Bit(11), Present] public partial bool MmuPresent { get; }
            [Bits(12, 51)] public partial ulong Pfn { get; }
            {{members}}
        }
        """;
}

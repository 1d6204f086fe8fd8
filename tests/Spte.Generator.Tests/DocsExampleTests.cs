using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Spte.Generator.Tests.Infrastructure;
using Spte.Tests;
using Xunit;

namespace Spte.Generator.Tests;

/// <summary>The C# blocks of docs/formats.md marked <c>// compiles</c> are compiled with the generator, so the docs cannot rot.</summary>
public sealed class DocsExampleTests
{
    [Fact]
    public void Formats_doc_examples_generate_and_compile_cleanly()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "formats.md"));
        var blocks = Regex.Matches(doc, "```csharp\n(// compiles\n.*?)```", RegexOptions.Singleline)
            .Select(static m => m.Groups[1].Value)
            .ToList();
        Assert.NotEmpty(blocks);

        var run = GeneratorRun.Of([.. blocks.Select(static (text, i) => new SourceFile($"formats.md#{i}.cs", text))])
            .AssertNoGeneratorDiagnostics();

        // The examples show layouts, not XML docs: missing-doc warnings (CS1591) are the only ones allowed.
        var blocking = TestCompilation.Blocking(run.Output.GetDiagnostics()).Where(static d => d.Id != "CS1591").ToList();
        Assert.True(blocking.Count == 0, GeneratorRun.Describe([.. blocking]));
        Assert.Contains(run.Single.GeneratedSources, static s => s.HintName == "Kvm.Mmu.EptSpte.g.cs");
    }
}

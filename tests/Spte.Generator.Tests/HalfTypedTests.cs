using System;
using System.Collections.Immutable;
using System.Linq;
using System.IO;
using Microsoft.CodeAnalysis;
using Spte.Generator.Tests.Infrastructure;
using Spte.Tests;
using Xunit;
using static Spte.Generator.Tests.Infrastructure.DiagnosticAssert;

namespace Spte.Generator.Tests;

/// <summary>
/// Code a person is still typing: the generator must not throw, and every error must point at
/// the user's code, never into a generated file (an implementation of a half-declared member is
/// an error the user cannot fix where it is reported).
/// </summary>
public sealed class HalfTypedTests
{
    /// <summary>A format with a view, as the runtime's NPT format has, to cut pieces out of.</summary>
    private const string Complete = """
        using Spte;

        namespace Typing;

        [SpteFormat(NonPresentValue = 1UL << 63)]
        [SpecialValue("Frozen", (1UL << 63) | 0x5a0)]
        [Disjoint("Frozen", "Pfn")]
        internal partial struct X
        {
            [Bit(0)] public partial bool Readable { get; }
            [Bit(11), Present] public partial bool MmuPresent { get; }
            [Bits(12, 51)] public partial ulong Pfn { get; }

            [SpteView]
            internal partial struct Leaf
            {
                [Bit(5)] public partial bool Accessed { get; }
                [Bit(6)] public partial bool Dirty { get; }
            }
        }
        """;

    /// <summary>Each shape: the text it replaces in <see cref="Complete"/> and what is typed instead.</summary>
    public static TheoryData<string, string, string> Shapes => new()
    {
        { "property without an accessor list", "public partial bool Dirty { get; }", "public partial bool Dirty" },
        { "accessor cut mid-keyword", "public partial bool Dirty { get; }", "public partial bool Dirty { ge" },
        { "accessor keyword without its semicolon", "public partial bool Dirty { get; }", "public partial bool Dirty { get }" },
        { "empty accessor list", "public partial bool Dirty { get; }", "public partial bool Dirty { }" },
        { "setter half added", "public partial bool Dirty { get; }", "public partial bool Dirty { get; se }" },
        { "missing type", "public partial bool Dirty { get; }", "public partial Dirty { get; }" },
        { "type that does not resolve yet", "public partial bool Dirty { get; }", "public partial Boolea Dirty { get; }" },
        { "missing property name", "public partial bool Dirty { get; }", "public partial bool { get; }" },
        { "bit attribute cut mid-argument", "[Bit(6)] public partial bool Dirty { get; }", "[Bit(6 public partial bool Dirty { get; }" },
        { "bits attribute cut after a comma", "[Bits(12, 51)] public partial ulong Pfn { get; }", "[Bits(12, ] public partial ulong Pfn { get; }" },
        { "format attribute cut mid-argument", "[SpteFormat(NonPresentValue = 1UL << 63)]", "[SpteFormat(NonPresentValue = 1UL <<" },
        { "special value cut mid-argument", "[SpecialValue(\"Frozen\", (1UL << 63) | 0x5a0)]", "[SpecialValue(\"Frozen\", (1UL << 63) |" },
        { "assertion cut mid-argument", "[Disjoint(\"Frozen\", \"Pfn\")]", "[Disjoint(\"Frozen\", " },
        { "format without its closing brace", "    }\n}", "    }\n" },
        { "format name not typed yet", "internal partial struct X", "internal partial struct" },
        { "view name not typed yet", "internal partial struct Leaf", "internal partial struct" },
        { "half-typed member in a format that has errors", "[Bit(5)] public partial bool Accessed { get; }", "[Bits(60, 64)] public partial byte High { get; }\n[Bit(6)] public partial bool Dirty2 { ge" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Half_typed_code_gets_no_errors_in_generated_files(string shape, string complete, string typed)
    {
        var source = Complete.Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.True(source.Contains(complete, StringComparison.Ordinal), $"{shape}: '{complete}' is not in the format");
        var run = GeneratorRun.Of(new SourceFile(FileName, source.Replace(complete, typed, StringComparison.Ordinal)));

        Assert.Null(run.Single.Exception);
        var generatedTrees = run.Output.SyntaxTrees.Except(run.Input.SyntaxTrees).ToHashSet();
        var inGenerated = run.Output.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error && generatedTrees.Contains(d.Location.SourceTree!))
            .ToImmutableArray();
        Assert.True(inGenerated.IsEmpty, $"{shape}: errors in generated files:\n{GeneratorRun.Describe(inGenerated)}");
        Assert.All(run.GeneratorDiagnostics, d => Assert.Equal(FileName, d.Location.GetLineSpan().Path));
    }

    /// <summary>The mutant that found the bug: the runtime's NPT format with its leaf's Dirty half-typed (CS9253 in NptSpte.g.cs before).</summary>
    [Fact]
    public void Runtime_npt_format_with_a_half_typed_accessor_gets_no_errors_in_generated_files()
    {
        var files = new[] { "Formats/NptSpte.cs", "Mmu/Spte/KvmSpteMasks.cs" }
            .Select(static path => new SourceFile(path, File.ReadAllText(Path.Combine(RepositoryRoot.Path, "runtime/Spte.Runtime", path))))
            .ToList();
        var npt = files[0].Text;
        var at = npt.IndexOf("[Bit(6)] public partial bool Dirty { get; }", StringComparison.Ordinal);
        Assert.True(at >= 0, "the NPT leaf declares Dirty on bit 6");
        files[0] = files[0] with { Text = string.Concat(npt.AsSpan(0, at), "[Bit(6)] public partial bool Dirty { ge", npt.AsSpan(at + "[Bit(6)] public partial bool Dirty { get; }".Length)) };

        var run = GeneratorRun.Of([.. files]);

        Assert.Null(run.Single.Exception);
        var generatedTrees = run.Output.SyntaxTrees.Except(run.Input.SyntaxTrees).ToHashSet();
        var inGenerated = run.Output.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error && generatedTrees.Contains(d.Location.SourceTree!))
            .ToImmutableArray();
        Assert.True(inGenerated.IsEmpty, GeneratorRun.Describe(inGenerated));
    }

    [Fact]
    public void Half_typed_property_is_not_implemented_and_the_rest_still_is()
    {
        var run = GeneratorRun.Of(new SourceFile(FileName, Complete.Replace(
            "public partial bool Dirty { get; }", "public partial bool Dirty { ge", StringComparison.Ordinal)));

        run.AssertNoGeneratorDiagnostics();
        var generated = run.Source("Typing.X.g.cs");
        Assert.DoesNotContain("Dirty", generated, StringComparison.Ordinal);
        Assert.Contains("public partial bool Accessed", generated, StringComparison.Ordinal);
    }
}

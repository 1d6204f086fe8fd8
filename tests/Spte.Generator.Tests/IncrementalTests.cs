using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Spte.Generator.Tests.Infrastructure;
using Xunit;

namespace Spte.Generator.Tests;

/// <summary>
/// The generator re-runs on every keystroke in an IDE: an edit that does not touch a format
/// must not re-emit its source, and an edit that does must.
/// </summary>
public sealed class IncrementalTests
{
    private static readonly string[] PipelineSteps = ["Declarations", "Results", "Specs", "Diagnostics", "Target"];

    private static readonly SourceFile Other = new("Other.cs", """
        namespace Kvm.Other;

        /// <summary>Code that has nothing to do with any format.</summary>
        public static class Calculator
        {
            /// <summary>Adds.</summary>
            public static int Add(int a, int b) => a + b;
        }
        """);

    [Fact]
    public void Tracking_names_are_the_steps_these_tests_check() =>
        Assert.Equal(PipelineSteps.Append("OrphanViews").Order(StringComparer.Ordinal), PipelineModels.TrackingNames.Order(StringComparer.Ordinal));

    [Fact]
    public void Adding_an_unrelated_file_re_emits_nothing()
    {
        var first = FirstRun();

        var second = GeneratorRun.Run(first.Driver, first.Input.AddSyntaxTrees(TestCompilation.Parse(new SourceFile("Added.cs", "namespace Kvm.Added; internal static class Nothing { }"))));

        AssertNothingChanged(first, second);
    }

    [Fact]
    public void Changing_a_method_body_in_another_file_re_emits_nothing()
    {
        var first = FirstRun();

        var second = GeneratorRun.Run(first.Driver, Edit(first.Input, Other.Path, "a + b", "b + a"));

        AssertNothingChanged(first, second);
    }

    [Fact]
    public void Moving_a_format_down_its_file_keeps_its_spec_and_source()
    {
        var first = FirstRun();

        var second = GeneratorRun.Run(first.Driver, Edit(first.Input, KvmFormats.EptLeaf.Path, "using Spte;", "\n\n\nusing Spte;"));

        Assert.Contains(PipelineModels.Outputs(second, "Declarations"), o => o.Reason == IncrementalStepRunReason.Modified);
        AssertKept(second, "Specs");
        AssertNotReEmitted(second);
    }

    [Fact]
    public void Moving_an_invalid_format_re_reports_its_diagnostic_at_the_new_line_but_keeps_its_source()
    {
        var broken = new SourceFile("Broken.cs", DiagnosticAssert.Format(nonPresent: "0x800"));
        var first = GeneratorRun.Of(broken);

        var second = GeneratorRun.Run(first.Driver, Edit(first.Input, broken.Path, "using Spte;", "\n\nusing Spte;"));

        Assert.Contains(PipelineModels.Outputs(second, "Diagnostics"), o => o.Reason == IncrementalStepRunReason.Modified);
        AssertKept(second, "Specs");
        AssertNotReEmitted(second);
        Assert.Equal(
            Assert.Single(first.GeneratorDiagnostics).Location.GetLineSpan().StartLinePosition.Line + 2,
            Assert.Single(second.GeneratorDiagnostics).Location.GetLineSpan().StartLinePosition.Line);
    }

    [Theory]
    [InlineData("[Bits(12, 51)] public partial ulong Pfn", "[Bits(12, 47)] public partial ulong Pfn", "PfnMask = 0x0000FFFFFFFFF000UL")]
    [InlineData("NonPresentValue = 1UL << 63", "NonPresentValue = 1UL << 62", "NonPresentValue = 0x4000000000000000UL")]
    [InlineData("[Bit(9)] public partial bool Dirty { get; }", "[Bit(9)] public partial bool Dirty { get; }\n    [Bit(10)] public partial bool UserExecutable { get; }", "UserExecutableMask = 0x0000000000000400UL")]
    public void Editing_the_format_re_emits_it(string before, string after, string newText)
    {
        var first = FirstRun();

        var second = GeneratorRun.Run(first.Driver, Edit(first.Input, KvmFormats.EptLeaf.Path, before, after));

        AssertAll(second, "Specs", IncrementalStepRunReason.Modified);
        Assert.Contains(PipelineModels.SourceOutputs(second), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.DoesNotContain(newText, first.Source("Kvm.Ept.EptLeafSpte.g.cs"), StringComparison.Ordinal);
        Assert.Contains(newText, second.AssertNoGeneratorDiagnostics().Source("Kvm.Ept.EptLeafSpte.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Changing_the_namespace_re_emits_under_the_new_name()
    {
        var first = FirstRun();

        var second = GeneratorRun.Run(first.Driver, Edit(first.Input, KvmFormats.EptLeaf.Path, "namespace Kvm.Ept;", "namespace Kvm.Ept.Leaf;\nusing Kvm.Ept;"));

        AssertAll(second, "Specs", IncrementalStepRunReason.Modified);
        Assert.Equal(["Kvm.Ept.Leaf.EptLeafSpte.g.cs"], second.Single.GeneratedSources.Select(static s => s.HintName));
        Assert.Contains("namespace Kvm.Ept.Leaf", second.AssertNoGeneratorDiagnostics().Source("Kvm.Ept.Leaf.EptLeafSpte.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Pipeline_models_hold_no_symbols_syntax_or_compilations()
    {
        var first = GeneratorRun.Of([.. KvmFormats.All, new SourceFile("Broken.cs", DiagnosticAssert.Format(nonPresent: "0x800"))]);
        var second = GeneratorRun.Run(first.Driver, Edit(first.Input, KvmFormats.EptLeaf.Path, "using Spte;", "\nusing Spte;"));

        foreach (var run in new[] { first, second })
        {
            foreach (var step in PipelineModels.TrackingNames)
            {
                var outputs = PipelineModels.Outputs(run, step);
                Assert.True(outputs.Count > 0 || step == "OrphanViews", $"step {step} produced nothing to inspect");
                foreach (var (value, _) in outputs)
                {
                    PipelineModels.AssertHoldsNoCompilationObjects(value, step);
                }
            }
        }
    }

    [Fact]
    public void Object_graph_walk_finds_a_syntax_tree_nested_in_an_array()
    {
        var model = new { Name = "X", Parts = new object[] { 1, new { Tree = CSharpSyntaxTree.ParseText("class C { }") } } };

        var error = Assert.ThrowsAny<Exception>(() => PipelineModels.AssertHoldsNoCompilationObjects(model, "probe"));

        Assert.Contains("probe", error.Message, StringComparison.Ordinal);
        Assert.Contains("SyntaxTree", error.Message, StringComparison.Ordinal);
    }

    private static GeneratorRun FirstRun() =>
        GeneratorRun.Of(KvmFormats.MemoryTypes, KvmFormats.EptLeaf, Other).AssertNoGeneratorDiagnostics();

    private static CSharpCompilation Edit(CSharpCompilation compilation, string path, string before, string after)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        var text = tree.GetText().ToString();
        Assert.Contains(before, text, StringComparison.Ordinal);
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text.Replace(before, after, StringComparison.Ordinal))));
    }

    private static void AssertNothingChanged(GeneratorRun first, GeneratorRun second)
    {
        foreach (var step in PipelineSteps)
        {
            AssertKept(second, step);
        }

        AssertNotReEmitted(second);
        Assert.Equal(
            first.Single.GeneratedSources.Select(static s => (s.HintName, s.SourceText.ToString())),
            second.Single.GeneratedSources.Select(static s => (s.HintName, s.SourceText.ToString())));
    }

    private static void AssertNotReEmitted(GeneratorRun run)
    {
        var outputs = PipelineModels.SourceOutputs(run);
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.True(
            o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
            $"source output was {o.Reason}"));
    }

    /// <summary>Every output of <paramref name="step"/> was reused (Cached) or recomputed equal (Unchanged).</summary>
    private static void AssertKept(GeneratorRun run, string step)
    {
        var outputs = PipelineModels.Outputs(run, step);
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.True(
            o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
            $"step {step} output was {o.Reason}"));
    }

    private static void AssertAll(GeneratorRun run, string step, IncrementalStepRunReason reason)
    {
        var outputs = PipelineModels.Outputs(run, step);
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.Equal(reason, o.Reason));
    }
}

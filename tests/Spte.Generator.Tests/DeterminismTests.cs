using System;
using System.Linq;
using Spte.Generator.Tests.Infrastructure;
using Xunit;

namespace Spte.Generator.Tests;

/// <summary>The same declarations give byte-identical output, whatever the run, file order or culture.</summary>
public sealed class DeterminismTests
{
    [Fact]
    public void Two_runs_produce_byte_identical_output()
    {
        var first = Outputs(KvmFormats.All);
        var second = Outputs(KvmFormats.All);

        Assert.Equal(7, first.Length);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Output_does_not_depend_on_the_order_of_files()
    {
        var forward = Outputs(KvmFormats.All);
        var backward = Outputs([.. KvmFormats.All.Reverse()]);

        Assert.Equal(forward.OrderBy(static o => o.HintName, StringComparer.Ordinal), backward.OrderBy(static o => o.HintName, StringComparer.Ordinal));
    }

    [Fact]
    public void Output_does_not_depend_on_the_culture_the_compiler_runs_under()
    {
        var invariant = Outputs(KvmFormats.All);
        var exotic = ExoticCulture.Run(() => Outputs(KvmFormats.All));

        Assert.Equal(invariant, exotic);
    }

    /// <summary>Each generated file as (hint name, UTF-8 bytes in Base64), in the order the generator added them.</summary>
    private static (string HintName, string Bytes)[] Outputs(SourceFile[] sources) =>
        [.. GeneratorRun.Of(sources).AssertNoGeneratorDiagnostics().Single.GeneratedSources
            .Select(static s => (s.HintName, Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(s.SourceText.ToString()))))];
}

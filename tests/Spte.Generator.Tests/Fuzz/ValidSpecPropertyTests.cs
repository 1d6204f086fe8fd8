using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using CsCheck;
using Microsoft.CodeAnalysis;
using Spte.Generator.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Spte.Generator.Tests.Fuzz;

/// <summary>
/// Random valid formats: no diagnostics, output that compiles with every warning on, and every
/// getter, With, mask, ToString, view and table agreeing with a plain mask-and-shift model.
/// Set <c>SPTE_FUZZ_SPECS</c> for a longer run; CsCheck prints a seed to replay a failure.
/// </summary>
public sealed class ValidSpecPropertyTests(ITestOutputHelper output)
{
    [Fact]
    public void Generated_formats_agree_with_mask_and_shift()
    {
        var tried = 0;
        var fields = 0;
        var views = 0;

        FuzzBatch.Ingredients.Array[FuzzBatch.Size].Sample(
            batch =>
            {
                var formats = batch.Select(static (b, i) => ValidFormats.Build(new Recipe(b.Choices, b.Values), i)).ToList();
                var run = FuzzBatch.Generate(formats);
                using var loaded = LoadedAssembly.Emit(run.Output, out var diagnostics);
                AssertClean(run, diagnostics, formats);
                foreach (var format in formats)
                {
                    new LoadedFormatChecker(loaded, format).Check(batch[format.Index].Values.Take(6));
                }

                Interlocked.Add(ref tried, formats.Count);
                Interlocked.Add(ref fields, formats.Sum(static f => f.Fields.Length + f.Views.Sum(static v => v.Fields.Length)));
                Interlocked.Add(ref views, formats.Sum(static f => f.Views.Length));
            },
            iter: FuzzBatch.Batches,
            print: FuzzBatch.Describe);

        output.WriteLine($"{tried} valid specs ({fields} fields, {views} views) in {FuzzBatch.Batches} compilations");
        Assert.True(tried >= FuzzBatch.Specs, $"only {tried} of {FuzzBatch.Specs} specs were tried");
    }

    /// <summary>Fails on the first spec with a generator or compiler diagnostic, showing its source.</summary>
    private static void AssertClean(GeneratorRun run, ImmutableArray<Diagnostic> compilerDiagnostics, System.Collections.Generic.List<FormatModel> formats)
    {
        if (run.Single.Exception is { } exception)
        {
            throw new XunitException("the generator threw: " + exception);
        }

        var diagnostics = run.GeneratorDiagnostics.AddRange(TestCompilation.Blocking(compilerDiagnostics));
        if (diagnostics.FirstOrDefault() is { } first)
        {
            var spec = FuzzBatch.SpecOf(first);
            throw new XunitException(
                $"valid spec {spec} got diagnostics:\n{GeneratorRun.Describe([.. diagnostics.Where(d => FuzzBatch.SpecOf(d) == spec)])}\n" +
                (spec is { } i ? FormatRenderer.Render(formats[i]) : string.Empty));
        }
    }
}

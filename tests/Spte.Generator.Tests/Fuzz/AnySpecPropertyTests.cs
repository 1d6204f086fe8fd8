using System.Collections.Concurrent;
using System.Collections.Generic;
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
/// Random formats, valid or broken: the generator never throws, a valid one gets no
/// diagnostic, a format broken once gets exactly the diagnostic of its breakage, one broken
/// several times gets at least one, every diagnostic points into the format's own file, and
/// where the C# is still well-formed the output adds no compiler error or warning.
/// </summary>
public sealed class AnySpecPropertyTests(ITestOutputHelper output)
{
    [Fact]
    public void Generator_never_throws_and_reports_exactly_what_is_broken()
    {
        var counts = new ConcurrentDictionary<string, int>();

        FuzzBatch.Ingredients.Array[FuzzBatch.Size].Sample(
            batch =>
            {
                var specs = batch.Select(static (b, i) => AnyFormats.Build(new Recipe(b.Choices, b.Values), i)).ToList();
                var run = FuzzBatch.Generate(specs.Select(static s => s.Format));
                Check(run, specs);
                foreach (var spec in specs)
                {
                    counts.AddOrUpdate(spec.Mutations.Count switch { 0 => "valid", 1 => "broken once", _ => "broken 2-3 times" }, 1, static (_, n) => n + 1);
                    foreach (var mutation in spec.Mutations)
                    {
                        counts.AddOrUpdate(mutation.Id + " " + mutation.Name, 1, static (_, n) => n + 1);
                    }
                }
            },
            iter: FuzzBatch.Batches,
            print: FuzzBatch.Describe);

        var tried = counts["valid"] + counts["broken once"] + counts.GetValueOrDefault("broken 2-3 times");
        output.WriteLine($"{tried} specs in {FuzzBatch.Batches} compilations, no generator exception");
        foreach (var (name, count) in counts.OrderBy(static c => c.Key, System.StringComparer.Ordinal))
        {
            output.WriteLine($"  {count,6}  {name}");
        }

        Assert.True(tried >= FuzzBatch.Specs, $"only {tried} of {FuzzBatch.Specs} specs were tried");
        Assert.True(Mutation.All.All(m => counts.ContainsKey(m.Id + " " + m.Name)) || FuzzBatch.Specs < 1000, "some mutation was never applied");
    }

    private static void Check(GeneratorRun run, List<MutatedFormat> specs)
    {
        if (run.Single.Exception is { } exception)
        {
            throw new XunitException("the generator threw: " + exception);
        }

        var foreign = run.GeneratorDiagnostics.Where(static d => !d.Id.StartsWith("SPTE", System.StringComparison.Ordinal) || FuzzBatch.SpecOf(d) is null).ToList();
        if (foreign.Count > 0)
        {
            throw new XunitException("diagnostics that are not an SPTE error in a spec's file (CS8785 means the generator threw):\n" + GeneratorRun.Describe([.. foreign]));
        }

        var reported = run.GeneratorDiagnostics.ToLookup(static d => FuzzBatch.SpecOf(d)!.Value);
        var compiler = TestCompilation.Blocking(run.Output.GetDiagnostics()).ToLookup(static d => FuzzBatch.SpecOf(d));
        if (compiler[null].Any())
        {
            throw new XunitException("compiler diagnostics outside every spec:\n" + GeneratorRun.Describe([.. compiler[null]]));
        }

        foreach (var (spec, index) in specs.Select(static (s, i) => (s, i)))
        {
            var ids = reported[index].Select(static d => d.Id).ToHashSet();
            var expected = spec.Mutations.Select(static m => m.Id).ToHashSet();
            var verdict = spec.Mutations.Count switch
            {
                0 => ids.Count == 0 ? null : "a valid spec got diagnostics",
                1 => ids.SetEquals(expected) ? null : $"a spec broken by \"{spec.Mutations[0].Name}\" should get exactly {expected.Single()}",
                _ => ids.Count > 0 ? null : "a spec broken several times got no diagnostic",
            };
            if (verdict is null && spec.Mutations.All(static m => m.CompilesCleanly) && compiler[index].Any())
            {
                verdict = "the generator's output for a well-formed declaration does not compile cleanly";
            }

            if (verdict is not null)
            {
                throw new XunitException(
                    $"{verdict} (mutations: {string.Join(", ", spec.Mutations.Select(static m => m.Name))}).\n" +
                    $"generator:\n{GeneratorRun.Describe([.. reported[index]])}\ncompiler:\n{GeneratorRun.Describe([.. compiler[index]])}\n" +
                    $"--- {spec.Format.FilePath} ---\n{FormatRenderer.Render(spec.Format)}");
            }
        }
    }
}

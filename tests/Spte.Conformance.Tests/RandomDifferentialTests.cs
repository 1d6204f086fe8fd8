using System.Collections.Generic;
using System.Linq;
using Spte.Runtime;
using Spte.Runtime.Conformance;
using Xunit;
using Xunit.Abstractions;

namespace Spte.Conformance.Tests;

/// <summary>
/// 1,000 seeded random scripts, each on the reference (the machine's KVM where it can be opened,
/// else the model's TDP MMU on Intel) and on every model configuration: the logs must be equal,
/// or differ only where the MMU behind KVM decides (<see cref="LogDifferenceKind.MmuDependent"/>).
/// A divergence fails with the shrunk scenario as C#, ready to paste into <see cref="Scenarios"/>.
/// </summary>
public sealed class RandomDifferentialTests(ITestOutputHelper output)
{
    private const int Sequences = 1000;
    private const int Steps = 24;

    [Fact]
    public void Random_scripts_log_the_same_on_the_reference_and_on_every_model()
    {
        var real = DevKvm.TryOpen(out var kvm, out var whyNot) ? kvm : null;
        using var owned = real;
        IKvm reference = real ?? Backends.Simulated[0];
        output.WriteLine(real is null ? $"reference: the model ({whyNot})" : $"reference: {real.Backend}");
        var models = real is null ? Backends.Simulated[1..] : Backends.Simulated;
        var mmuDependent = 0;
        for (var seed = 1; seed <= Sequences; seed++)
        {
            var scenario = RandomScenarios.Generate(seed, Steps);
            var expected = ScenarioRunner.Run(reference, scenario);
            foreach (var model in models)
            {
                var (kind, _) = LogDifference.Compare(expected, ScenarioRunner.Run(model, scenario));
                if (kind == LogDifferenceKind.Divergent)
                {
                    var shrunk = Shrink(reference, model, scenario);
                    var (_, line) = Differ(reference, model, shrunk);
                    Assert.Fail($"{model.Backend} diverges from {reference.Backend} on seed {seed} (shrunk; first differing line {line + 1}):\n{shrunk}\nreference:\n  {string.Join("\n  ", ScenarioRunner.Run(reference, shrunk))}\nmodel:\n  {string.Join("\n  ", ScenarioRunner.Run(model, shrunk))}");
                }

                mmuDependent += kind == LogDifferenceKind.MmuDependent ? 1 : 0;
            }
        }

        output.WriteLine($"{Sequences} scripts x {models.Length} model configurations; {mmuDependent} runs differed only in MMU-dependent dirty bits");
    }

    private static (LogDifferenceKind Kind, int Line) Differ(IKvm reference, IKvm model, Scenario scenario) =>
        LogDifference.Compare(ScenarioRunner.Run(reference, scenario), ScenarioRunner.Run(model, scenario));

    /// <summary>Drops steps, one at a time from the end, while the two still diverge.</summary>
    private static Scenario Shrink(IKvm reference, IKvm model, Scenario scenario)
    {
        for (var changed = true; changed;)
        {
            changed = false;
            for (var i = scenario.Steps.Count - 1; i >= 0; i--)
            {
                var smaller = scenario.WithoutStep(i);
                if (Differ(reference, model, smaller).Kind == LogDifferenceKind.Divergent)
                {
                    scenario = smaller;
                    changed = true;
                }
            }
        }

        return scenario;
    }
}

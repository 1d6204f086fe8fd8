using System;
using System.Collections.Generic;
using System.Linq;
using Spte.Runtime;
using Spte.Runtime.Conformance;
using Xunit;
using Xunit.Abstractions;

namespace Spte.Conformance.Tests;

/// <summary>Every scenario gives the same log on the machine's KVM and on the model (both vendors); an MMU-dependent one must still differ, or its mark is stale.</summary>
public sealed class ConformanceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Names => [.. Scenarios.All.Select(s => s.Name)];

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public void The_model_logs_what_real_kvm_logs(string name)
    {
        var scenario = Scenarios.All.Single(s => s.Name == name);
        var real = ScenarioRunner.Run(Backends.RealOrSkip(), scenario);
        output.WriteLine(string.Join(Environment.NewLine, real));
        foreach (var model in Backends.Simulated)
        {
            var simulated = ScenarioRunner.Run(model, scenario);
            if (scenario.MmuDependent is null)
            {
                AssertSameLog(real, simulated, model.Backend, scenario);
            }
            else
            {
                Assert.False(real.SequenceEqual(simulated), $"'{name}' is marked MMU-dependent ({scenario.MmuDependent}) but {model.Backend} now logs what real KVM logs: remove the mark.");
            }
        }
    }

    /// <summary>Where /dev/kvm is missing this still holds the model's configurations to one another.</summary>
    [Fact]
    public void Every_model_configuration_logs_the_same_for_every_scenario()
    {
        foreach (var scenario in Scenarios.All)
        {
            var models = Backends.Simulated;
            var first = ScenarioRunner.Run(models[0], scenario);
            foreach (var model in models.Skip(1))
            {
                AssertSameLog(first, ScenarioRunner.Run(model, scenario), model.Backend, scenario);
            }
        }
    }

    private void AssertSameLog(IReadOnlyList<string> expected, IReadOnlyList<string> actual, string backend, Scenario scenario)
    {
        var first = Enumerable.Range(0, Math.Max(expected.Count, actual.Count))
            .FirstOrDefault(i => i >= expected.Count || i >= actual.Count || expected[i] != actual[i], -1);
        if (first < 0)
        {
            return;
        }

        output.WriteLine($"expected:{Environment.NewLine}{string.Join(Environment.NewLine, expected)}");
        output.WriteLine($"{backend}:{Environment.NewLine}{string.Join(Environment.NewLine, actual)}");
        Assert.Fail($"{backend} diverges at line {first + 1} of '{scenario.Name}':{Environment.NewLine}  expected: {(first < expected.Count ? expected[first] : "(end)")}{Environment.NewLine}  actual:   {(first < actual.Count ? actual[first] : "(end)")}{Environment.NewLine}{scenario}");
    }
}

using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Spte.ZeroCost.Tests;

/// <summary>
/// Generated getters use <c>bextr</c> behind <c>Bmi1.X64.IsSupported</c>. On a CPU without BMI1
/// (and on Arm64) the JIT compiles only the other branch; this runs the probe program with the
/// runtime told BMI1 and BMI2 are absent, so that branch is computed, value-checked against the
/// twins, and compiled to the shortest form that remains.
/// </summary>
public sealed class WithoutBmiTests
{
    // .NET 10 switches BMI1 and BMI2 with AVX2 (the x86-64-v3 group): DOTNET_EnableBMI1=0 alone
    // leaves bextr in the listings (measured), DOTNET_EnableAVX2=0 removes it.
    private static readonly ProbeRun Run = ProbeRun.With(new Dictionary<string, string> { ["DOTNET_EnableAVX2"] = "0" });

    [Fact]
    public void GeneratedCodeComputesTheTwinsValuesWithoutBmi()
    {
        Assert.True(Run.ExitCode == 0, $"probe program exited {Run.ExitCode}\n{Run.Output}\n{Run.Error}");
        Assert.DoesNotContain("MISMATCH", Run.Output, System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GeneratedProbes:Pfn", "EptIdioms:Pfn_MaskShift")]
    [InlineData("GeneratedProbes:Generation", "EptIdioms:Generation_ShiftMask")]
    [InlineData("GStageProbes:Software", "GStageIdioms:Software_ShiftMask")]
    public void GetterFallsBackToTheShiftAndMaskTwin(string generatedMethod, string twinMethod)
    {
        var generated = Run.Get(generatedMethod);
        var twin = Run.Get(twinMethod);
        Assert.DoesNotContain(generated.Code, static line => line.StartsWith("bextr", System.StringComparison.Ordinal));
        var diff = LineDiff.Compute(generated.Code, twin.Code);
        Assert.True(diff.Count == 0, $"{generatedMethod} differs from {twinMethod}:\n{string.Join('\n', diff)}\n\n{generated.Raw}\n\n{twin.Raw}");
    }
}

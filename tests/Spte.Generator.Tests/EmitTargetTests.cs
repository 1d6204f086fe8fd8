using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Spte.Generator.Tests.Infrastructure;
using Xunit;

namespace Spte.Generator.Tests;

/// <summary>
/// Getters extract runs with <c>Bmi1.X64.BitFieldExtract</c> only where the compilation can name
/// it; a consumer without <c>System.Runtime.Intrinsics</c> (netstandard, .NET Framework) gets the
/// shift-and-mask form alone, and it still compiles cleanly.
/// </summary>
public sealed class EmitTargetTests
{
    private const string Bmi1 = "global::System.Runtime.Intrinsics.X86.Bmi1.X64";

    [Fact]
    public void With_the_intrinsics_referenced_wide_and_split_runs_use_bextr_behind_IsSupported()
    {
        var source = GeneratorRun.Of(KvmFormats.Mmio).AssertNoGeneratorDiagnostics().AssertOutputCompilesCleanly().Source("Kvm.Mmio.MmioSpte.g.cs");

        Assert.Contains($"{Bmi1}.IsSupported ? ({Bmi1}.BitFieldExtract(Raw, 3, 8) | ({Bmi1}.BitFieldExtract(Raw, 52, 11) << 8))", source, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_intrinsics_no_getter_names_them_and_the_output_compiles()
    {
        var references = TestCompilation.References.Where(static r => r.Display?.Contains("System.Runtime.Intrinsics", System.StringComparison.Ordinal) != true).ToArray();
        Assert.True(references.Length < TestCompilation.References.Length, "the reference set has no System.Runtime.Intrinsics.dll to leave out");
        var input = CSharpCompilation.Create("Formats", [TestCompilation.Parse(KvmFormats.Mmio)], references, TestCompilation.Options);

        var run = GeneratorRun.Of(input).AssertNoGeneratorDiagnostics().AssertOutputCompilesCleanly();

        var source = run.Source("Kvm.Mmio.MmioSpte.g.cs");
        Assert.DoesNotContain("Intrinsics", source, System.StringComparison.Ordinal);
        Assert.Contains("(((Raw >> 3) & 0x00000000000000FFUL) | (((Raw >> 52) & 0x00000000000007FFUL) << 8))", source, System.StringComparison.Ordinal);
    }
}

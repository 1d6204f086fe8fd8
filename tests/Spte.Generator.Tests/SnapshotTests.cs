using Spte.Generator.Tests.Infrastructure;
using Xunit;

namespace Spte.Generator.Tests;

/// <summary>
/// The generated source of whole generator runs, against approved files in Snapshots/. Each
/// run must also be diagnostic-free and compile cleanly, so an approved file cannot bless
/// broken code.
/// </summary>
public sealed class SnapshotTests
{
    [Fact]
    public void Ept_leaf_with_suppress_ve_non_present_value_and_frozen_special_value() =>
        Snapshot("Kvm.Ept.EptLeafSpte.g.cs", KvmFormats.EptLeaf, KvmFormats.MemoryTypes);

    [Fact]
    public void Npt_with_zero_non_present_value() =>
        Snapshot("Kvm.Npt.NptSpte.g.cs", KvmFormats.Npt);

    [Fact]
    public void Mmio_view_with_generation_split_over_bits_3_to_10_and_52_to_62() =>
        Snapshot("Kvm.Mmio.MmioSpte.g.cs", KvmFormats.Mmio);

    [Fact]
    public void Format_with_several_views_and_reserved_bits() =>
        Snapshot("Kvm.Ept.EptSpte.g.cs", KvmFormats.EptViews, KvmFormats.MemoryTypes);

    [Fact]
    public void Format_nested_in_a_namespace_and_partial_containing_types() =>
        Snapshot("Kvm.Nested.Mmu+Tdp+Spte.g.cs", KvmFormats.Nested);

    [Fact]
    public void Structurally_invalid_format_gets_a_stub_that_only_implements_its_properties()
    {
        var run = GeneratorRun.Of(new SourceFile("Broken.cs", """
            using Spte;

            namespace Kvm.Broken;

            /// <summary>Its frame runs past bit 63, so no accessor can be generated for it.</summary>
            [SpteFormat(NonPresentValue = 1UL << 63)]
            public partial struct BrokenSpte
            {
                /// <summary>SPTE_MMU_PRESENT_MASK.</summary>
                [Bit(11), Present] public partial bool MmuPresent { get; }
                /// <summary>The page frame.</summary>
                [Bits(12, 64)] public partial ulong Pfn { get; }
                /// <summary>A view.</summary>
                [SpteView]
                public partial struct Leaf
                {
                    /// <summary>Dirty.</summary>
                    [Bit(9)] public partial bool Dirty { get; }
                }
            }
            """));

        Assert.Equal("SPTE0003", Assert.Single(run.GeneratorDiagnostics).Id);
        Snap.Match(run.Source("Kvm.Broken.BrokenSpte.g.cs"), "Kvm.Broken.BrokenSpte.g");
    }

    [Fact]
    public void Generated_code_carries_the_generator_assembly_version()
    {
        var source = GeneratorRun.Of(KvmFormats.Npt).Source("Kvm.Npt.NptSpte.g.cs");
        var version = typeof(SpteGenerator).Assembly.GetName().Version!.ToString();

        Assert.Contains($"GeneratedCode(\"Spte.Generator\", \"{version}\")", source, System.StringComparison.Ordinal);
        Assert.DoesNotContain(version, Snap.Scrub(source), System.StringComparison.Ordinal);
    }

    private static void Snapshot(string hintName, params SourceFile[] sources)
    {
        var run = GeneratorRun.Of(sources).AssertNoGeneratorDiagnostics().AssertOutputCompilesCleanly();
        Snap.Match(run.Source(hintName), hintName.Replace(".cs", string.Empty, System.StringComparison.Ordinal));
    }
}

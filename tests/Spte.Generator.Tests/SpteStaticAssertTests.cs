using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Spte.Generator.Tests.Infrastructure;
using Spte.Tests;
using Xunit;

namespace Spte.Generator.Tests;

/// <summary>
/// The twelve <c>static_assert</c>s of KVM's spte.h (restated in kvm-mmu-facts.md), each one
/// declaration on the runtime's own EPT and NPT formats (or one built-in check), and each one
/// failing on its own line when the format is broken the way KVM's assert guards against.
/// </summary>
/// <remarks>
/// The runtime's files carry 1..11. The twelfth comes from the posted patch that also changes
/// <c>FROZEN_SPTE</c>'s low part from 0x5a0 to 0x498; the runtime keeps the merged 0x5a0, so this
/// test declares it and applies the patch's value, and breaking it means going back to 0x5a0.
/// </remarks>
public sealed class SpteStaticAssertTests
{
    private const string Ept = "runtime/Spte.Runtime/Formats/EptSpte.cs";
    private const string Npt = "runtime/Spte.Runtime/Formats/NptSpte.cs";
    private const string Masks = "runtime/Spte.Runtime/Mmu/Spte/KvmSpteMasks.cs";
    private const string AdType = "runtime/Spte.Runtime/Mmu/Spte/TdpAdType.cs";
    private const string MemoryType = "runtime/Spte.Runtime/Formats/EptMemoryType.cs";

    private const string FrozenSetsNoAccessedOrDirtyBit = """[Disjoint("Frozen", "Leaf.Accessed | Leaf.Dirty")]""";

    /// <summary>
    /// Each assert: its number in spte.h's list, the format it is checked on, the text the error
    /// underlines, the edit that breaks it (file, old text, new text), and the error.
    /// </summary>
    public static TheoryData<string, string, string, string, string, string, string> Asserts => new()
    {
        { "1 SPTE_TDP_AD_ENABLED == 0", Ept, """Disjoint("Leaf.AdType.Enabled", "SpteTdpAd")""", AdType, "Enabled = 0,", "Enabled = 3,", "SPTE0005" },
        { "2 saved bits vs A/D type", Ept, """Disjoint("SpteTdpAd", "ShadowAccTrackSaved")""", Ept, "(1UL << 54) | (1UL << 56)", "(1UL << 53) | (1UL << 56)", "SPTE0005" },
        { "3 host-writable vs A/D type", Ept, """Disjoint("EptSpteHostWritable", "SpteTdpAd")""", Ept, "[Mask(\"EptSpteHostWritable\", 1UL << 57)]", "[Mask(\"EptSpteHostWritable\", 1UL << 52)]", "SPTE0005" },
        { "4 MMU-writable vs A/D type", Ept, """Disjoint("EptSpteMmuWritable", "SpteTdpAd")""", Ept, "[Mask(\"EptSpteMmuWritable\", 1UL << 58)]", "[Mask(\"EptSpteMmuWritable\", 1UL << 53)]", "SPTE0005" },
        { "5 host-writable vs saved bits", Ept, """Disjoint("EptSpteHostWritable", "ShadowAccTrackSaved")""", Ept, "[Mask(\"EptSpteHostWritable\", 1UL << 57)]", "[Mask(\"EptSpteHostWritable\", 1UL << 54)]", "SPTE0005" },
        { "6 MMU-writable vs saved bits", Ept, """Disjoint("EptSpteMmuWritable", "ShadowAccTrackSaved")""", Ept, "[Mask(\"EptSpteMmuWritable\", 1UL << 58)]", "[Mask(\"EptSpteMmuWritable\", 1UL << 56)]", "SPTE0005" },
        { "7 generation vs MMU-present (EPT)", Ept, """Disjoint("Present", "MmioSpteGenLow | MmioSpteGenHigh")""", Masks, "MmioSpteGenLow = 0xFFUL << 3;", "MmioSpteGenLow = 0xFFUL << 4;", "SPTE0005" },
        { "7 generation vs MMU-present (NPT)", Npt, """Disjoint("Present", "MmioSpteGenLow | MmioSpteGenHigh")""", Masks, "MmioSpteGenLow = 0xFFUL << 3;", "MmioSpteGenLow = 0xFFUL << 4;", "SPTE0005" },
        { "8 MMIO allowed mask (EPT)", Ept, """Disjoint("SpteMmioAllowed", "Present | MmioSpteGenLow | MmioSpteGenHigh")""", Masks, "0x000F_FFFF_FFFF_F000 | 0x7;", "0x000F_FFFF_FFFF_F000 | 0xF;", "SPTE0005" },
        { "8 MMIO allowed mask (NPT)", Npt, """Disjoint("SpteMmioAllowed", "Present | MmioSpteGenLow | MmioSpteGenHigh")""", Masks, "0x000F_FFFF_FFFF_F000 | 0x7;", "0x000F_FFFF_FFFF_F000 | 0xF;", "SPTE0005" },
        { "9 generation halves 8 + 11 bits (EPT)", Ept, """Width("MmioSpteGenLow | MmioSpteGenHigh", 8, 11)""", Masks, "MmioSpteGenHigh = 0x7FFUL << 52;", "MmioSpteGenHigh = 0x3FFUL << 52;", "SPTE0005" },
        { "9 generation halves 8 + 11 bits (NPT)", Npt, """Width("MmioSpteGenLow | MmioSpteGenHigh", 8, 11)""", Masks, "MmioSpteGenHigh = 0x7FFUL << 52;", "MmioSpteGenHigh = 0x3FFUL << 52;", "SPTE0005" },
        { "10 non-present value vs MMU-present (EPT)", Ept, "NonPresentValue = (1UL << 63) | (1UL << 11)", Ept, "[SpteFormat(NonPresentValue = 1UL << 63)]", "[SpteFormat(NonPresentValue = (1UL << 63) | (1UL << 11))]", "SPTE0001" },
        { "10 non-present value vs MMU-present (NPT)", Npt, "NonPresentValue = 1UL << 11", Npt, "[SpteFormat(NonPresentValue = 0)]", "[SpteFormat(NonPresentValue = 1UL << 11)]", "SPTE0001" },
        { "11 frozen vs MMU-present (EPT)", Ept, "(1UL << 63) | KvmSpteMasks.FrozenSpteLow", Masks, "FrozenSpteLow = 0x498;", "FrozenSpteLow = 0xC98;", "SPTE0004" },
        { "11 frozen vs MMU-present (NPT)", Npt, "KvmSpteMasks.FrozenSpteLow", Masks, "FrozenSpteLow = 0x498;", "FrozenSpteLow = 0xC98;", "SPTE0004" },
        { "12 frozen vs accessed and dirty (EPT)", Ept, FrozenSetsNoAccessedOrDirtyBit[1..^1], Masks, "FrozenSpteLow = 0x498;", "FrozenSpteLow = 0x5a0;", "SPTE0005" },
        { "12 frozen vs accessed and dirty (NPT)", Npt, FrozenSetsNoAccessedOrDirtyBit[1..^1], Masks, "FrozenSpteLow = 0x498;", "FrozenSpteLow = 0x5a0;", "SPTE0005" },
    };

    [Fact]
    public void All_twelve_hold_on_the_runtime_formats_and_the_output_compiles()
    {
        var run = GeneratorRun.Of([.. Sources(Healthy())]).AssertNoGeneratorDiagnostics();
        var errors = run.Output.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        Assert.True(errors.IsEmpty, GeneratorRun.Describe(errors));
    }

    [Theory]
    [MemberData(nameof(Asserts))]
    public void Each_assert_fails_on_its_own_line_when_the_format_breaks_it(string assert, string format, string underlined, string file, string old, string broken, string id)
    {
        var files = Healthy();
        files[file] = ReplaceOnce(files[file], old, broken, assert);
        var run = GeneratorRun.Of([.. Sources(files)]);

        Assert.Null(run.Single.Exception);
        var expectedLine = Line(files[format], underlined, assert);
        var hits = run.GeneratorDiagnostics
            .Where(d => d.Id == id && d.Location.GetLineSpan().Path == format && DiagnosticAssert.SourceAt(run, d) == underlined)
            .ToList();
        Assert.True(hits.Count == 1, $"{assert}: expected one {id} at '{underlined}', got:\n{GeneratorRun.Describe(run.GeneratorDiagnostics)}");
        Assert.Equal(expectedLine, hits[0].Location.GetLineSpan().StartLinePosition.Line);
        Assert.Equal(DiagnosticSeverity.Error, hits[0].Severity);
    }

    [Fact]
    public void Frozen_0x5a0_fails_the_twelfth_naming_the_accessed_bit()
    {
        var files = Healthy();
        files[Masks] = ReplaceOnce(files[Masks], "FrozenSpteLow = 0x498;", "FrozenSpteLow = 0x5a0;", "12");
        var messages = GeneratorRun.Of([.. Sources(files)]).GeneratorDiagnostics
            .Select(static d => d.GetMessage(CultureInfo.InvariantCulture))
            .Order(StringComparer.Ordinal);

        Assert.Equal(
            [
                """Assertion Disjoint("Frozen", "Leaf.Accessed | Leaf.Dirty") does not hold: 'Frozen' (0x00000000000005A0) and 'Leaf.Accessed | Leaf.Dirty' (0x0000000000000060) share bit 5""",
                """Assertion Disjoint("Frozen", "Leaf.Accessed | Leaf.Dirty") does not hold: 'Frozen' (0x80000000000005A0) and 'Leaf.Accessed | Leaf.Dirty' (0x0000000000000300) share bit 8""",
            ],
            messages);
    }

    /// <summary>The runtime's format files as they are, plus the twelfth assert and the patch's frozen value.</summary>
    private static Dictionary<string, string> Healthy()
    {
        var files = new[] { Ept, Npt, Masks, AdType, MemoryType }.ToDictionary(
            static path => path,
            static path => File.ReadAllText(Path.Combine(RepositoryRoot.Path, path)).Replace("\r\n", "\n", StringComparison.Ordinal));
        files[Ept] = ReplaceOnce(files[Ept], "public readonly partial struct EptSpte\n", FrozenSetsNoAccessedOrDirtyBit + "\npublic readonly partial struct EptSpte\n", "12");
        files[Npt] = ReplaceOnce(files[Npt], "public readonly partial struct NptSpte\n", FrozenSetsNoAccessedOrDirtyBit + "\npublic readonly partial struct NptSpte\n", "12");
        files[Masks] = ReplaceOnce(files[Masks], "FrozenSpteLow = 0x5a0;", "FrozenSpteLow = 0x498;", "12");
        return files;
    }

    private static IEnumerable<SourceFile> Sources(Dictionary<string, string> files) =>
        files.Select(static f => new SourceFile(f.Key, f.Value));

    private static string ReplaceOnce(string text, string old, string replacement, string assert)
    {
        var at = text.IndexOf(old, StringComparison.Ordinal);
        Assert.True(at >= 0 && text.IndexOf(old, at + 1, StringComparison.Ordinal) < 0, $"{assert}: '{old}' must occur exactly once");
        return string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + old.Length));
    }

    /// <summary>The zero-based line of the only occurrence of <paramref name="text"/>.</summary>
    private static int Line(string source, string text, string assert)
    {
        var at = source.IndexOf(text, StringComparison.Ordinal);
        Assert.True(at >= 0 && source.IndexOf(text, at + 1, StringComparison.Ordinal) < 0, $"{assert}: '{text}' must occur exactly once");
        return source.AsSpan(0, at).Count('\n');
    }
}

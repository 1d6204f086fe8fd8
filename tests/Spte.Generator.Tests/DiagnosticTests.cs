using System.Linq;
using Microsoft.CodeAnalysis;
using Spte.Generator.Tests.Infrastructure;
using Xunit;
using static Spte.Generator.Tests.Infrastructure.DiagnosticAssert;

namespace Spte.Generator.Tests;

/// <summary>
/// Each static assert fires once, as an error underlining the attribute or argument that breaks
/// it, with a message naming the bits; and its output compiles with no further errors, so the
/// SPTE error is the only thing the user has to read.
/// </summary>
public sealed class DiagnosticTests
{
    [Fact]
    public void Valid_format_reports_nothing_and_compiles() =>
        GeneratorRun.Of(new SourceFile(FileName, Format(
            attributes: """[SpecialValue("Frozen", (1UL << 63) | 0x5a0), Disjoint("Frozen", "Pfn"), Within("Frozen", "Frozen"), Width("Pfn", 40)]""")))
            .AssertNoGeneratorDiagnostics()
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0001_non_present_value_sets_a_present_bit() =>
        Single(
            Format(nonPresent: "0x8000000000000800"),
            "SPTE0001",
            "NonPresentValue = 0x8000000000000800",
            "NonPresentValue 0x8000000000000800 sets present bit 11 of format 'X'")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0002_fields_overlap() =>
        Single(
            Format(members: "[Bits(50, 55)] public partial byte Other { get; }"),
            "SPTE0002",
            "Bits(50, 55)",
            "field 'Other' (bits 50..55) overlaps field 'Pfn' (bits 12..51) at bits 50..51 in format 'X'")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0002_split_field_overlaps_itself() =>
        Single(
            Format(members: "[Bits(0, 3), Bits(2, 5)] public partial byte Other { get; }"),
            "SPTE0002",
            "Bits(2, 5)",
            "field 'Other' (bits 2..5) overlaps its own earlier run (bits 0..3) at bits 2..3 in format 'X'")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0002_reserved_bits_overlap_a_field() =>
        Single(
            Format(attributes: "[Reserved(10, 11)]"),
            "SPTE0002",
            "Reserved(10, 11)",
            "reserved bits (bits 10..11) overlaps field 'MmuPresent' (bit 11) at bit 11 in format 'X'")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0002_view_field_overlaps_a_common_field() =>
        Single(
            Format(members: """
                [SpteView]
                internal partial struct Leaf
                {
                    [Bits(9, 11)] public partial byte Software { get; }
                }
                """),
            "SPTE0002",
            "Bits(9, 11)",
            "field 'Software' (bits 9..11) overlaps field 'MmuPresent' (bit 11) at bit 11 in view 'X.Leaf'")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void Fields_of_different_views_may_overlap() =>
        GeneratorRun.Of(new SourceFile(FileName, Format(members: """
            [SpteView] internal partial struct A { [Bits(0, 5)] public partial byte Low { get; } }
            [SpteView] internal partial struct B { [Bits(3, 8)] public partial ushort Low { get; } }
            """)))
            .AssertNoGeneratorDiagnostics()
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0003_bit_range_past_63() =>
        Single(
            Format(members: "[Bits(60, 64)] public partial byte High { get; }"),
            "SPTE0003",
            "Bits(60, 64)",
            "Bit range 60..64 of 'High' is invalid: bits must lie within 0..63")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0003_negative_bit() =>
        Single(
            Format(members: "[Bit(-1)] public partial bool Low { get; }"),
            "SPTE0003",
            "Bit(-1)",
            "Bit range -1..-1 of 'Low' is invalid: bits must lie within 0..63")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0003_reversed_bit_range() =>
        Single(
            Format(members: "[Bits(5, 3)] public partial byte Low { get; }"),
            "SPTE0003",
            "Bits(5, 3)",
            "Bit range 5..3 of 'Low' is invalid: the low bit comes first: write the range as low..high")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0003_reserved_range_past_63() =>
        Single(
            Format(attributes: "[Reserved(70)]"),
            "SPTE0003",
            "Reserved(70)",
            "Bit range 70..70 of 'Reserved' is invalid: bits must lie within 0..63")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0004_special_value_sets_a_present_bit() =>
        Single(
            Format(attributes: """[SpecialValue("Frozen", 0x8a0)]"""),
            "SPTE0004",
            "0x8a0",
            "Special value 'Frozen' 0x00000000000008A0 sets present bit 11 of format 'X'")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0005_disjoint_does_not_hold() =>
        Single(
            Format(attributes: """[SpecialValue("Frozen", (1UL << 63) | 0x1000), Disjoint("Frozen", "Pfn")]"""),
            "SPTE0005",
            """Disjoint("Frozen", "Pfn")""",
            """Assertion Disjoint("Frozen", "Pfn") does not hold: 'Frozen' (0x8000000000001000) and 'Pfn' (0x000FFFFFFFFFF000) share bit 12""")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0005_disjoint_over_many_names_reports_each_overlapping_pair_at_the_attribute()
    {
        var run = GeneratorRun.Of(new SourceFile(FileName, Format(
            attributes: """[SpecialValue("Frozen", (1UL << 63) | 0x5a0), Mask("Low", 0x3), Mask("Rwx", 0x6), Disjoint("Low", "Frozen", "Rwx", "Pfn")]""")));

        Assert.Null(run.Single.Exception);
        Assert.All(run.GeneratorDiagnostics, d => Assert.Equal("SPTE0005", d.Id));
        Assert.All(run.GeneratorDiagnostics, d => Assert.Equal("""Disjoint("Low", "Frozen", "Rwx", "Pfn")""", SourceAt(run, d)));
        Assert.Equal(
            [
                """Assertion Disjoint("Low", "Frozen", "Rwx", "Pfn") does not hold: 'Low' (0x0000000000000003) and 'Rwx' (0x0000000000000006) share bit 1""",
            ],
            run.GeneratorDiagnostics.Select(static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
        run.AssertOutputCompilesCleanly();
    }

    /// <summary>A null params array (the compiler warns CS8625 at the user's code) holds no names; reading it must not throw.</summary>
    [Fact]
    public void Disjoint_with_a_null_params_array_checks_the_names_it_has()
    {
        var run = GeneratorRun.Of(new SourceFile(FileName, Format(attributes: """[Disjoint("Pfn", "MmuPresent", null)]""")))
            .AssertNoGeneratorDiagnostics();
        Assert.Equal("CS8625", Assert.Single(TestCompilation.Blocking(run.Output.GetDiagnostics())).Id);
    }

    [Fact]
    public void SPTE0005_disjoint_names_every_pair_that_overlaps() =>
        Assert.Equal(
            [
                "'A' (0x0000000000000003) and 'C' (0x0000000000000006) share bit 1",
                "'B' (0x0000000000000004) and 'C' (0x0000000000000006) share bit 2",
            ],
            GeneratorRun.Of(new SourceFile(FileName, Format(attributes: """[Mask("A", 0x3), Mask("B", 0x4), Mask("C", 0x6), Disjoint("A", "B", "C")]""")))
                .GeneratorDiagnostics
                .Select(static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Split(": ", 2)[1]));

    [Fact]
    public void SPTE0005_disjoint_with_a_union_of_names() =>
        Single(
            Format(attributes: """[SpecialValue("Frozen", (1UL << 63) | 0x5a0), Disjoint("Frozen", "MmuPresent | Leaf.Accessed")]""", members: Leaf),
            "SPTE0005",
            """Disjoint("Frozen", "MmuPresent | Leaf.Accessed")""",
            """Assertion Disjoint("Frozen", "MmuPresent | Leaf.Accessed") does not hold: 'Frozen' (0x80000000000005A0) and 'MmuPresent | Leaf.Accessed' (0x0000000000000900) share bit 8""")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0005_disjoint_with_an_enum_member_encoding() =>
        Single(
            EnumFormat("Enabled = 1"),
            "SPTE0005",
            """Disjoint("Leaf.AdType.Enabled", "AdMask")""",
            """Assertion Disjoint("Leaf.AdType.Enabled", "AdMask") does not hold: 'Leaf.AdType.Enabled' (0x0010000000000000) and 'AdMask' (0x0030000000000000) share bit 52""")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void Assertions_over_fields_view_bits_special_values_masks_and_enum_members_hold_and_compile() =>
        GeneratorRun.Of(new SourceFile(FileName, EnumFormat("Enabled = 0")))
            .AssertNoGeneratorDiagnostics()
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0005_width_of_runs_does_not_hold() =>
        Single(
            Format(attributes: """[Mask("GenLow", 0xFFUL << 3), Mask("GenHigh", 0x3FFUL << 52), Width("GenLow | GenHigh", 8, 11)]"""),
            "SPTE0005",
            """Width("GenLow | GenHigh", 8, 11)""",
            """Assertion Width("GenLow | GenHigh", 8, 11) does not hold: 'GenLow | GenHigh' is made of runs of 8, 10 bits (bits 3..10, 52..61), not 8, 11""")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0009_unknown_name_inside_a_union() =>
        Single(
            Format(attributes: """[Disjoint("Pfn", "MmuPresent | Nope")]"""),
            "SPTE0009",
            "\"MmuPresent | Nope\"",
            "Assertion names 'Nope', which format 'X' does not define (known: MmuPresent, NonPresent, Pfn, Present, Reserved)")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0005_within_does_not_hold() =>
        Single(
            Format(attributes: """[Mask("Mmio", 0xE), Mask("Rwx", 0x7), Within("Mmio", "Rwx")]"""),
            "SPTE0005",
            """Within("Mmio", "Rwx")""",
            """Assertion Within("Mmio", "Rwx") does not hold: 'Mmio' (0x000000000000000E) sets bit 3 outside 'Rwx' (0x0000000000000007)""")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0005_width_does_not_hold() =>
        Single(
            Format(attributes: """[Width("Pfn", 36)]"""),
            "SPTE0005",
            """Width("Pfn", 36)""",
            """Assertion Width("Pfn", 36) does not hold: 'Pfn' is 40 bits wide (bits 12..51), not 36""")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0006_format_is_a_class() =>
        AssertOnlyOwnErrors(Single(
            Format().Replace("internal partial struct X", "internal partial class X", System.StringComparison.Ordinal),
            "SPTE0006",
            "X",
            "Format 'X' cannot be generated: a format must be a struct"));

    [Fact]
    public void SPTE0006_format_is_not_partial() =>
        AssertOnlyOwnErrors(Single(
            Format().Replace("internal partial struct X", "internal struct X", System.StringComparison.Ordinal),
            "SPTE0006",
            "X",
            "Format 'X' cannot be generated: a format must be declared partial"));

    [Fact]
    public void SPTE0006_format_is_generic() =>
        AssertOnlyOwnErrors(Single(
            Format().Replace("internal partial struct X", "internal partial struct X<T>", System.StringComparison.Ordinal),
            "SPTE0006",
            "X",
            "Format 'X' cannot be generated: a format must not be generic"));

    [Fact]
    public void SPTE0006_format_is_a_record_struct() =>
        AssertOnlyOwnErrors(Single(
            Format().Replace("internal partial struct X", "internal partial record struct X", System.StringComparison.Ordinal),
            "SPTE0006",
            "X",
            "Format 'X' cannot be generated: a format must not be a record struct, which brings its own equality and ToString"));

    [Fact]
    public void SPTE0006_containing_type_is_not_partial() =>
        AssertOnlyOwnErrors(Single(
            """
            using Spte;

            internal static class Outer
            {
                [SpteFormat]
                internal partial struct X
                {
                    [Bit(11), Present] public partial bool MmuPresent { get; }
                }
            }
            """,
            "SPTE0006",
            "X",
            "Format 'X' cannot be generated: its containing type 'Outer' is not partial"));

    [Fact]
    public void SPTE0007_bool_on_a_run() =>
        Single(
            Format(members: "[Bits(3, 5)] public partial bool MemoryType { get; }"),
            "SPTE0007",
            "bool",
            "Property 'MemoryType' of type 'bool' cannot hold its 3-bit field (bits 3..5): bool holds exactly one bit; use an integer or enum type for a run")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0007_integer_too_narrow() =>
        Single(
            Format(members: "[Bits(0, 8)] public partial byte Low { get; }"),
            "SPTE0007",
            "byte",
            "Property 'Low' of type 'byte' cannot hold its 9-bit field (bits 0..8): it holds at most 8 bits")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0007_signed_integer_would_turn_negative() =>
        Single(
            Format(members: "[Bits(0, 7)] public partial sbyte Low { get; }"),
            "SPTE0007",
            "sbyte",
            "Property 'Low' of type 'sbyte' cannot hold its 8-bit field (bits 0..7): a signed 8-bit type holds at most 7 bits without turning negative")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0007_type_that_cannot_hold_bits() =>
        Single(
            Format(members: "[Bits(0, 7)] public partial string Low { get; }"),
            "SPTE0007",
            "string",
            "Property 'Low' of type 'string' cannot hold its 8-bit field (bits 0..7): only bool, integer and enum properties can hold bits")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0007_enum_too_narrow() =>
        Single(
            """
            using Spte;

            internal enum Small : byte { A }

            [SpteFormat]
            internal partial struct X
            {
                [Bit(11), Present] public partial bool MmuPresent { get; }
                [Bits(12, 20)] public partial Small Wide { get; }
            }
            """,
            "SPTE0007",
            "Small",
            "Property 'Wide' of type 'Small' cannot hold its 9-bit field (bits 12..20): it holds at most 8 bits")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0008_no_present_bit() =>
        Single(
            """
            using Spte;

            [SpteFormat(NonPresentValue = 1UL << 63)]
            internal partial struct X
            {
                [Bits(12, 51)] public partial ulong Pfn { get; }
            }
            """,
            "SPTE0008",
            "SpteFormat(NonPresentValue = 1UL << 63)",
            "Format 'X' declares no present bit: mark the field that makes an entry present with [Present]")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0009_assertion_names_something_undefined() =>
        Single(
            Format(attributes: """[Disjoint("Pfn", "Nope")]"""),
            "SPTE0009",
            "\"Nope\"",
            "Assertion names 'Nope', which format 'X' does not define (known: MmuPresent, NonPresent, Pfn, Present, Reserved)")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0009_width_of_an_undefined_view_field() =>
        Single(
            Format(attributes: """[Width("Leaf.Pfn", 40)]"""),
            "SPTE0009",
            "\"Leaf.Pfn\"",
            "Assertion names 'Leaf.Pfn', which format 'X' does not define (known: MmuPresent, NonPresent, Pfn, Present, Reserved)")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0010_field_needs_a_member_every_format_has() =>
        Single(
            Format(members: "[Bit(0)] public partial bool Present { get; }"),
            "SPTE0010",
            "Present",
            "field 'Present' (its member 'PresentMask') clashes with the generated member 'PresentMask'")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0010_special_value_named_like_a_field() =>
        Single(
            Format(attributes: """[SpecialValue("Pfn", 1)]"""),
            "SPTE0010",
            "\"Pfn\"",
            "special value 'Pfn' clashes with field 'Pfn'")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0010_two_special_values_with_one_name() =>
        Single(
            Format(attributes: """[SpecialValue("Frozen", 1), SpecialValue("Frozen", 2)]"""),
            "SPTE0010",
            "\"Frozen\"",
            "special value 'Frozen' clashes with special value 'Frozen'")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0011_view_outside_a_format() =>
        AssertOnlyOwnErrors(Single(
            """
            using Spte;

            [SpteView]
            internal partial struct Orphan
            {
                [Bit(0)] public partial bool Flag { get; }
            }
            """,
            "SPTE0011",
            "Orphan",
            "'Orphan' is a [SpteView] but is not nested directly in a [SpteFormat] struct"));

    /// <summary>
    /// The one property the stub leaves alone: a getter-only body would not implement its setter,
    /// so the compiler also says the property has no implementation.
    /// </summary>
    [Fact]
    public void SPTE0011_property_with_a_setter_is_left_unimplemented()
    {
        var run = Single(
            Format(members: "[Bit(0)] public partial bool Flag { get; set; }"),
            "SPTE0011",
            "Flag",
            "'Flag' must be get-only: entries are immutable values, changed through their With methods");

        var error = Assert.Single(TestCompilation.Blocking(run.Output.GetDiagnostics()));
        Assert.Equal("CS9248", error.Id);
        Assert.Contains("'X.Flag'", error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Fact]
    public void SPTE0011_property_that_is_not_partial() =>
        Single(
            Format(members: "[Bit(0)] public bool Flag { get; }"),
            "SPTE0011",
            "Flag",
            "'Flag' must be a partial property, which the generator implements")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0011_present_without_bits() =>
        Single(
            Format(members: "[Present] public partial bool Flag { get; }"),
            "SPTE0011",
            "Flag",
            "'Flag' has [Present] but no [Bit] or [Bits] to say where it lives")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0011_present_on_a_view_field() =>
        Single(
            Format(members: """
                [SpteView]
                internal partial struct Leaf
                {
                    [Bit(0), Present] public partial bool Readable { get; }
                }
                """),
            "SPTE0011",
            "Readable",
            "'Readable' has [Present], which belongs on the format's own fields, not on a view's")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0011_special_value_name_is_not_an_identifier() =>
        Single(
            Format(attributes: """[SpecialValue("1st", 1)]"""),
            "SPTE0011",
            "\"1st\"",
            "'1st' is not a valid C# identifier for a special value")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0012_special_value_equals_the_non_present_value() =>
        Single(
            Format(attributes: """[SpecialValue("Zapped", 1UL << 63)]"""),
            "SPTE0012",
            "1UL << 63",
            "Special value 'Zapped' 0x8000000000000000 equals NonPresentValue, so the two cannot be told apart")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void SPTE0012_two_special_values_are_equal() =>
        Single(
            Format(attributes: """[SpecialValue("Frozen", 0x5a0), SpecialValue("Removed", 0x5a0)]"""),
            "SPTE0012",
            "0x5a0",
            "Special value 'Removed' 0x00000000000005A0 equals special value 'Frozen', so the two cannot be told apart")
            .AssertOutputCompilesCleanly();

    [Fact]
    public void Every_reported_diagnostic_links_to_its_page() =>
        Assert.Equal(
            "https://github.com/spte-toolkit/spte-toolkit/blob/main/docs/diagnostics/SPTE0001.md",
            Assert.Single(GeneratorRun.Of(new SourceFile(FileName, Format(nonPresent: "0x800"))).GeneratorDiagnostics).Descriptor.HelpLinkUri);

    private const string Leaf = """
        [SpteView]
        internal partial struct Leaf
        {
            [Bit(8)] public partial bool Accessed { get; }
        }
        """;

    /// <summary>An EPT-like format whose A/D type field is an enum, asserting KVM's SPTE_TDP_AD_ENABLED == 0 with <paramref name="enabled"/>.</summary>
    private static string EnumFormat(string enabled) => $$"""
        using Spte;

        namespace Diag;

        internal enum AdType : byte { {{enabled}}, Disabled = 2, WriteProtectOnly = 3 }

        [SpteFormat(NonPresentValue = 1UL << 63)]
        [SpecialValue("Frozen", (1UL << 63) | 0x498)]
        [Mask("AdMask", 3UL << 52)]
        [Mask("Saved", (1UL << 54) | (1UL << 56))]
        [Disjoint("Leaf.AdType.Enabled", "AdMask")]
        [Disjoint("AdMask", "Saved", "Leaf.HostWritable", "Frozen | Leaf.Dirty", "MmuPresent")]
        [Within("Leaf.AdType.WriteProtectOnly", "Leaf.AdType")]
        [Width("Leaf.AdType | Saved", 4)]
        [Width("AdMask | Leaf.HostWritable", 2, 1)]
        internal partial struct X
        {
            [Bit(11), Present] public partial bool MmuPresent { get; }
            [Bits(12, 51)] public partial ulong Pfn { get; }

            [SpteView]
            internal partial struct Leaf
            {
                [Bit(9)] public partial bool Dirty { get; }
                [Bits(52, 53)] public partial AdType AdType { get; }
                [Bit(57)] public partial bool HostWritable { get; }
            }
        }
        """;

    /// <summary>
    /// Where the generator cannot emit into the type at all, the compiler's own errors about the
    /// user's partial properties are all that may follow: nothing the generated code caused.
    /// </summary>
    private static void AssertOnlyOwnErrors(GeneratorRun run)
    {
        var generated = run.Single.GeneratedSources.Select(static s => s.HintName).ToList();
        var errors = run.Output.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.All(errors, e => Assert.Equal(FileName, e.Location.GetLineSpan().Path));
        Assert.All(errors, e => Assert.Contains(e.Id, new[] { "CS9248", "CS0751", "CS0592" }));
        Assert.Empty(generated);
    }
}

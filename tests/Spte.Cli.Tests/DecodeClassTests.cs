using System.Globalization;
using System.Linq;
using Spte.Cli.Tests.Infrastructure;
using Spte.Runtime.Formats;
using Xunit;

namespace Spte.Cli.Tests;

/// <summary><c>decode</c> puts every value in one class, and reports "not present, not the non-present value" first.</summary>
public sealed class DecodeClassTests
{
    private const string EptZeroFinding =
        "finding: EptSpte 0x0000000000000000 is not present, but it is not EptSpte's non-present value 0x8000000000000000 (it differs in bit 63)";

    private static readonly ulong EptVmxMmio =
        EptSpte.FromRaw(EptSpte.WritableMask | EptSpte.ExecutableMask).AsMmio.WithGeneration(0x7FF01).Raw | (0xFEB00UL << 12);

    [Fact]
    public void A_raw_zero_ept_entry_is_reported_first_with_both_hardware_reactions()
    {
        var result = Tool.Run("decode", "EptSpte", "0");

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Error);
        var lines = Tool.Lines(result.Out);
        Assert.Equal(EptZeroFinding, lines[0]);
        Assert.Equal(
            "  with EPT-violation #VE (always on for a TD's shared EPT): suppress-#VE (bit 63) is clear, so an access is a #VE the guest never expected, not an EPT violation exit to KVM",
            lines[1]);
        Assert.Equal("  without EPT-violation #VE: an access is an EPT violation exit to KVM", lines[2]);
        Assert.Equal(
            "  in a TD, KVM's is_mmio_spte() matches it too (R/W/X and suppress-#VE clear), so KVM takes it for an MMIO SPTE of generation 0",
            lines[3]);
        Assert.Equal("EptSpte 0x0000000000000000", lines[4]);
        Assert.Contains("  class          not present, not the non-present value", lines);
    }

    [Fact]
    public void Check_makes_decode_exit_with_4_on_a_finding_and_still_print_it()
    {
        var result = Tool.Run("decode", "EptSpte", "0", "--check");

        Assert.Equal(SpteApp.FindingsExitCode, result.ExitCode);
        Assert.Empty(result.Error);
        Assert.StartsWith(EptZeroFinding + "\n", result.Out);
    }

    [Theory]
    [InlineData("EptSpte", "0x8000000000000000", "non-present value")]
    [InlineData("EptSpte", "0x80000000000005A0", "special value Frozen")]
    [InlineData("EptSpte", "0x8000000000ABC907", "present")]
    [InlineData("NptSpte", "0", "non-present value")]
    [InlineData("NptSpte", "0x00000000000005A0", "special value Frozen")]
    [InlineData("NptSpte", "0x8000000000ABC807", "present")]
    public void Correct_entries_are_classified_without_a_finding_and_pass_the_check(string format, string hex, string expectedClass)
    {
        var result = Tool.Run("decode", format, hex, "--check");

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Error);
        Assert.DoesNotContain("finding", result.Out);
        Assert.Contains($"  class          {expectedClass}", Tool.Lines(result.Out));
    }

    [Fact]
    public void An_ept_mmio_spte_is_classified_with_its_generation_and_passes_the_check()
    {
        var result = Tool.Run("decode", "EptSpte", Hex(EptVmxMmio), "--check");

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("finding", result.Out);
        Assert.Contains(
            "  class          MMIO SPTE, generation 524033 (W+X without R: an access is an EPT misconfiguration, which KVM handles as MMIO)",
            Tool.Lines(result.Out));
    }

    [Fact]
    public void An_npt_mmio_spte_is_classified_with_its_generation()
    {
        // P plus reserved address bits 46..51 (a CPU with MAXPHYADDR 46), as the NPT sample installs.
        var raw = NptSpte.FromRaw(NptSpte.PagePresentMask | 0xFC00000000000UL | (0xFEB00UL << 12)).AsMmio.WithGeneration(1).Raw;

        var lines = Tool.Lines(Tool.Ok("decode", "NptSpte", Hex(raw), "--check"));

        Assert.Contains(
            "  class          MMIO SPTE, generation 1 (P with reserved address bits set: an access is a #NPF with RSVD, which KVM handles as MMIO)",
            lines);
        Assert.DoesNotContain(lines, line => line.StartsWith("finding", System.StringComparison.Ordinal));
    }

    [Fact]
    public void A_non_present_ept_entry_with_suppress_ve_set_is_still_a_finding_but_exits_to_kvm_either_way()
    {
        var lines = Tool.Lines(Tool.Ok("decode", "EptSpte", "0x8000000000ABC000"));

        Assert.Equal(
            "finding: EptSpte 0x8000000000ABC000 is not present, but it is not EptSpte's non-present value 0x8000000000000000 (it differs in bits 14..17, 19, 21, 23)",
            lines[0]);
        Assert.Equal(
            "  the CPU sees it not present: an access is an EPT violation exit to KVM, with or without EPT-violation #VE (suppress-#VE, bit 63, is set)",
            lines[1]);
        Assert.Equal("  but it is neither an empty slot, a frozen entry nor an MMIO SPTE: no KVM path writes it", lines[2]);
        Assert.Equal("EptSpte 0x8000000000ABC000", lines[3]);
    }

    [Fact]
    public void An_ept_entry_the_cpu_uses_while_kvm_thinks_it_absent_is_a_finding()
    {
        // R/W/X set, MMU-present bit 11 clear: a mapping KVM does not know it has.
        var lines = Tool.Lines(Tool.Ok("decode", "EptSpte", "0x8000000000ABC007"));

        Assert.StartsWith("finding: EptSpte 0x8000000000ABC007 is not present, but", lines[0]);
        Assert.Equal(
            "  the CPU treats it as present (RWX set) and maps frame 0xABC, but KVM's MMU-present bit 11 is clear: KVM neither tracks nor zaps that mapping",
            lines[1]);
    }

    [Fact]
    public void An_ept_write_without_read_that_is_not_the_mmio_pattern_is_a_misconfiguration_finding()
    {
        // W alone with suppress-#VE set: not KVM's MMIO value (W+X, suppress-#VE clear).
        var lines = Tool.Lines(Tool.Ok("decode", "EptSpte", "0x8000000000000002"));

        Assert.StartsWith("finding: ", lines[0]);
        Assert.Equal(
            "  the CPU reports an EPT misconfiguration on an access (W set without R), which KVM expects only from its MMIO SPTEs, and this is not one",
            lines[1]);
    }

    [Fact]
    public void On_npt_bit_63_alone_is_a_finding_because_its_non_present_value_is_zero()
    {
        var result = Tool.Run("decode", "NptSpte", "0x8000000000000000", "--check");

        Assert.Equal(SpteApp.FindingsExitCode, result.ExitCode);
        var lines = Tool.Lines(result.Out);
        Assert.Equal(
            "finding: NptSpte 0x8000000000000000 is not present, but it is not NptSpte's non-present value 0x0000000000000000 (it differs in bit 63)",
            lines[0]);
        Assert.Equal("  the CPU sees it not present (P clear): an access is a #NPF exit to KVM, as for the non-present value", lines[1]);
    }

    [Fact]
    public void An_npt_entry_with_p_set_and_mmu_present_clear_is_a_mapping_kvm_cannot_take_back()
    {
        var lines = Tool.Lines(Tool.Ok("decode", "NptSpte", "0x0000000000ABC007"));

        Assert.Equal(
            "  the CPU uses it (P set) and maps frame 0xABC, but KVM's MMU-present bit 11 is clear: KVM neither tracks nor zaps that mapping",
            lines[1]);
        Assert.Single(lines, line => line.StartsWith("finding: ", System.StringComparison.Ordinal));
    }

    private static string Hex(ulong value) => "0x" + value.ToString("X16", CultureInfo.InvariantCulture);
}

using System.Linq;
using System.Text;
using Spte.Cli.Tests.Infrastructure;
using Spte.Runtime.Formats;
using Xunit;

namespace Spte.Cli.Tests;

/// <summary><c>scan</c> counts every class over many entries and lists every finding where it was.</summary>
public sealed class ScanCommandTests
{
    private const string EptZeroFinding =
        "finding: EptSpte 0x0000000000000000 is not present, but it is not EptSpte's non-present value 0x8000000000000000 (it differs in bit 63)";

    private const string Entries = """
        # an EPT table, as a person pastes it from a dump
        0x8000000000000000
        0x8000000000ABC907   # a 4K leaf

        0                    # the review's bug: a zap that wrote 0
        0x80000000000005A0
        0x000000000000001E
        0x0000_0000_0000_0000
        0x0000000000ABC000
        """;

    [Fact]
    public void A_text_scan_counts_every_class_and_lists_each_finding_by_line()
    {
        using var file = TempFile.WithText(Entries);

        var result = Tool.Run("scan", "EptSpte", file.Path);

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Error);
        Assert.Equal(
            [
                $"EptSpte: 7 entries from {file.Path}",
                "  present                                 1",
                "  non-present value                       1",
                "  special value Frozen                    1",
                "  MMIO SPTE                               1  (generation 3)",
                "  not present, not the non-present value  3",
                "findings: 3",
                "  line 5: 0x0000000000000000",
                "  line 8: 0x0000000000000000",
                "  line 9: 0x0000000000ABC000",
                EptZeroFinding,
            ],
            Tool.Lines(result.Out).Take(11));

        // Each distinct value is explained once, however often it occurs.
        Assert.Single(Tool.Lines(result.Out), line => line == EptZeroFinding);
        Assert.Contains(
            "finding: EptSpte 0x0000000000ABC000 is not present, but it is not EptSpte's non-present value 0x8000000000000000 (it differs in bits 14..17, 19, 21, 23, 63)",
            Tool.Lines(result.Out));
    }

    [Fact]
    public void Check_makes_scan_exit_with_4_when_there_are_findings()
    {
        using var file = TempFile.WithText(Entries);

        var result = Tool.Run("scan", "EptSpte", file.Path, "--check");

        Assert.Equal(SpteApp.FindingsExitCode, result.ExitCode);
        Assert.Empty(result.Error);
        Assert.Contains("findings: 3\n", result.Out);
    }

    [Fact]
    public void A_clean_scan_says_so_and_passes_the_check()
    {
        using var file = TempFile.WithText("0x8000000000000000\n0x80000000000005A0\n0x8000000000ABC907\n");

        var result = Tool.Run("scan", "EptSpte", file.Path, "--check");

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Error);
        var lines = Tool.Lines(result.Out);
        Assert.Contains("  not present, not the non-present value  0", lines);
        Assert.Contains("  MMIO SPTE                               0", lines);
        Assert.Equal("findings: none", lines[^2]);
        Assert.DoesNotContain("finding:", result.Out);
    }

    [Fact]
    public void Dash_reads_stdin()
    {
        var result = Tool.RunWithInput(Encoding.UTF8.GetBytes("0\n0\n"), "scan", "NptSpte", "-");

        Assert.Equal(0, result.ExitCode);
        var lines = Tool.Lines(result.Out);
        Assert.Equal("NptSpte: 2 entries from stdin", lines[0]);
        Assert.Contains("  non-present value                       2", lines);
        Assert.Contains("findings: none", lines);
    }

    [Fact]
    public void Windows_line_endings_and_a_byte_order_mark_are_still_text()
    {
        var result = Tool.RunWithInput([0xEF, 0xBB, 0xBF, .. "0x8000000000000000\r\n# zapped\r\n0\r\n"u8], "scan", "EptSpte", "-");

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Error);
        Assert.Contains("  line 3: 0x0000000000000000\n", result.Out);
    }

    [Fact]
    public void A_binary_dump_lists_each_finding_by_table_and_entry()
    {
        var leaf = 0x8000000000ABC907UL;
        var dump = PageTableDump.Tables(2, EptSpte.NonPresentValue, (0, 3, leaf), (1, 17, 0), (1, 511, 0));
        using var file = TempFile.WithBytes(dump);

        var result = Tool.Run("scan", "EptSpte", file.Path, "--binary", "--check");

        Assert.Equal(SpteApp.FindingsExitCode, result.ExitCode);
        Assert.Empty(result.Error);
        Assert.Equal(
            [
                $"EptSpte: 1024 entries in 2 tables from {file.Path}",
                "  present                                    1",
                "  non-present value                       1021",
                "  special value Frozen                       0",
                "  MMIO SPTE                                  0",
                "  not present, not the non-present value     2",
                "findings: 2",
                "  table 1 entry 17 (byte offset 0x1088): 0x0000000000000000",
                "  table 1 entry 511 (byte offset 0x1FF8): 0x0000000000000000",
                EptZeroFinding,
            ],
            Tool.Lines(result.Out).Take(10));
    }

    [Fact]
    public void A_binary_dump_is_read_little_endian_and_its_clean_tables_are_silent()
    {
        // Read big-endian, the leaf would be 0x07C8AB0000000080, with MMU-present bit 11 clear.
        var dump = PageTableDump.Tables(1, 0, (0, 0, 0x8000000000ABC807));
        using var file = TempFile.WithBytes(dump);

        var lines = Tool.Lines(Tool.Ok("scan", "NptSpte", file.Path, "--binary", "--check"));

        Assert.Equal($"NptSpte: 512 entries in 1 table from {file.Path}", lines[0]);
        Assert.Contains("  present                                   1", lines);
        Assert.Contains("  non-present value                       511", lines);
        Assert.Contains("findings: none", lines);
    }

    [Fact]
    public void Mmio_generations_are_listed_in_the_summary()
    {
        var w = EptSpte.FromRaw(EptSpte.WritableMask | EptSpte.ExecutableMask);
        var text = string.Join('\n', new[] { 7u, 2u, 7u }.Select(generation => "0x" + w.AsMmio.WithGeneration(generation).Raw.ToString("X", System.Globalization.CultureInfo.InvariantCulture)));
        using var file = TempFile.WithText(text);

        var lines = Tool.Lines(Tool.Ok("scan", "EptSpte", file.Path));

        Assert.Contains("  MMIO SPTE                               3  (generations 2, 7)", lines);
    }
}

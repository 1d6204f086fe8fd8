using System;
using System.IO;
using Spte.Cli.Tests.Infrastructure;
using Xunit;

namespace Spte.Cli.Tests;

/// <summary>Bad scan input: one line on stderr naming the line or byte offset, nothing on stdout, exit 1.</summary>
public sealed class ScanBadInputTests
{
    [Fact]
    public void A_line_that_is_not_hex_names_its_line()
    {
        using var file = TempFile.WithText("# dump\n0x8000000000000000\n\n0x80000000000G0000\n0\n");

        var result = Tool.Run("scan", "EptSpte", file.Path);

        AssertOneLineError(
            result,
            $"spte: {file.Path} line 4: '0x80000000000G0000' is not a hexadecimal entry (expected hex digits such as 0x8000000000000000; '_' may separate them)");
    }

    [Fact]
    public void Two_entries_on_one_line_are_not_one_entry()
    {
        var result = Tool.RunWithInput("0x0 0x1\n"u8.ToArray(), "scan", "EptSpte", "-");

        AssertOneLineError(
            result,
            "spte: stdin line 1: '0x0 0x1' is not a hexadecimal entry (expected hex digits such as 0x8000000000000000; '_' may separate them)");
    }

    [Fact]
    public void A_line_wider_than_64_bits_names_its_line()
    {
        using var file = TempFile.WithText("0\n0x10000000000000000\n");

        var result = Tool.Run("scan", "EptSpte", file.Path);

        AssertOneLineError(result, $"spte: {file.Path} line 2: '0x10000000000000000' is out of range: an entry is 64 bits, at most 16 significant hex digits");
    }

    [Fact]
    public void A_binary_dump_read_as_text_suggests_binary()
    {
        using var file = TempFile.WithBytes(PageTableDump.Tables(1, 1UL << 63));

        var result = Tool.Run("scan", "EptSpte", file.Path);

        AssertOneLineError(
            result,
            $"spte: {file.Path} line 1: not a line of text (it holds a NUL or a non-UTF-8 byte); for a binary dump of tables use --binary");
    }

    [Theory]
    [InlineData(4100, "the dump ends at byte offset 4100 (0x1004), inside table 1 (4 of its 4096 bytes)")]
    [InlineData(4096 + 8, "the dump ends at byte offset 4104 (0x1008), inside table 1 (8 of its 4096 bytes)")]
    [InlineData(3, "the dump ends at byte offset 3 (0x3), inside table 0 (3 of its 4096 bytes)")]
    public void A_binary_dump_that_ends_inside_a_table_names_the_byte_offset(int length, string where)
    {
        using var file = TempFile.WithBytes(new byte[length]);

        var result = Tool.Run("scan", "NptSpte", file.Path, "--binary");

        AssertOneLineError(result, $"spte: {file.Path}: {where}; a binary dump is whole tables of 512 little-endian 8-byte entries");
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("# only a comment\n\n", false)]
    [InlineData("", true)]
    public void An_input_without_entries_is_an_error(string text, bool binary)
    {
        using var file = TempFile.WithText(text);

        var result = binary ? Tool.Run("scan", "EptSpte", file.Path, "--binary") : Tool.Run("scan", "EptSpte", file.Path);

        AssertOneLineError(result, $"spte: {file.Path} holds no entries");
    }

    [Fact]
    public void A_missing_file()
    {
        var path = Path.Combine(Path.GetTempPath(), "spte-no-such-" + Guid.NewGuid().ToString("N") + ".txt");

        AssertOneLineError(Tool.Run("scan", "EptSpte", path), $"spte: file '{path}' not found");
    }

    [Fact]
    public void A_directory()
    {
        var path = Path.GetTempPath();

        AssertOneLineError(Tool.Run("scan", "EptSpte", path), $"spte: '{path}' is a directory; pass a file of entries, or '-' for stdin");
    }

    [Fact]
    public void An_unknown_format_is_reported_before_the_input_is_read()
    {
        var result = Tool.Run("scan", "EptPte", "/no/such/file");

        Assert.Equal(SpteApp.InputErrorExitCode, result.ExitCode);
        Assert.StartsWith("spte: unknown format 'EptPte'", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public void A_missing_input_argument_is_a_usage_error()
    {
        var result = Tool.Run("scan", "EptSpte");

        Assert.Equal(SpteApp.UsageExitCode, result.ExitCode);
        Assert.EndsWith("(see 'spte scan --help')", Assert.Single(result.ErrorLines));
        Assert.Empty(result.Out);
    }

    private static void AssertOneLineError(CliResult result, string message)
    {
        Assert.Equal(SpteApp.InputErrorExitCode, result.ExitCode);
        Assert.Equal(message, Assert.Single(result.ErrorLines));
        Assert.Empty(result.Out);
    }
}

using System;
using System.IO;
using System.Linq;
using Spte.Cli.Tests.Infrastructure;
using Xunit;

namespace Spte.Cli.Tests;

/// <summary>Every kind of bad input gets exactly one line on stderr, nothing on stdout and a non-zero exit code.</summary>
public sealed class BadInputTests
{
    private static readonly string KnownFormats =
        string.Join(", ", Spte.Cli.Model.FormatCatalog.BuiltInOnly().Formats.Select(format => format.Name));

    [Fact]
    public void Unknown_format_lists_the_known_ones()
    {
        var result = Tool.Run("decode", "EptPte", "0");

        AssertOneLineError(result, SpteApp.InputErrorExitCode, $"spte: unknown format 'EptPte'; known formats: {KnownFormats} (see 'spte formats')");
    }

    [Fact]
    public void Unknown_format_in_layout()
    {
        var result = Tool.Run("layout", "Sv39");

        AssertOneLineError(result, SpteApp.InputErrorExitCode, $"spte: unknown format 'Sv39'; known formats: {KnownFormats} (see 'spte formats')");
    }

    [Theory]
    [InlineData("0xZZ")]
    [InlineData("12g4")]
    [InlineData("0x")]
    [InlineData("_")]
    [InlineData("0x12 34")]
    [InlineData("1.5")]
    public void Malformed_hex(string hex)
    {
        var result = Tool.Run("decode", "EptSpte", hex);

        AssertOneLineError(
            result,
            SpteApp.InputErrorExitCode,
            $"spte: '{hex}' is not a hexadecimal entry (expected hex digits such as 0x8000000000000000; '_' may separate them)");
    }

    [Theory]
    [InlineData("0x10000000000000000")]
    [InlineData("0x1_0000_0000_0000_0000")]
    [InlineData("FFFFFFFFFFFFFFFFF")]
    public void Values_wider_than_64_bits_are_out_of_range(string hex)
    {
        var result = Tool.Run("decode", "EptSpte", hex);

        AssertOneLineError(result, SpteApp.InputErrorExitCode, $"spte: '{hex}' is out of range: an entry is 64 bits, at most 16 significant hex digits");
    }

    [Fact]
    public void Missing_assembly_file()
    {
        var path = Path.Combine(Path.GetTempPath(), "spte-no-such-" + Guid.NewGuid().ToString("N") + ".dll");

        var result = Tool.Run("decode", "EptSpte", "0", "--assembly", path);

        AssertOneLineError(result, SpteApp.InputErrorExitCode, $"spte: assembly '{path}' not found");
    }

    [Fact]
    public void Assembly_path_that_is_a_directory()
    {
        var path = Path.GetTempPath();

        var result = Tool.Run("formats", "--assembly", path);

        AssertOneLineError(result, SpteApp.InputErrorExitCode, $"spte: assembly '{path}' is a directory; pass the .dll file");
    }

    [Fact]
    public void A_file_that_is_not_an_assembly()
    {
        var path = Path.Combine(Path.GetTempPath(), "spte-not-an-assembly-" + Guid.NewGuid().ToString("N") + ".dll");
        File.WriteAllText(path, "this is not a PE file");
        try
        {
            var result = Tool.Run("layout", "EptSpte", "-a", path);

            AssertOneLineError(result, SpteApp.InputErrorExitCode, $"spte: '{path}' is not a .NET assembly");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_assembly_without_formats()
    {
        var path = typeof(FactAttribute).Assembly.Location;

        var result = Tool.Run("formats", "--assembly", path);

        AssertOneLineError(result, SpteApp.InputErrorExitCode, $"spte: assembly '{path}' declares no [SpteFormat] types");
    }

    [Fact]
    public void Unknown_rule_lists_the_known_ones()
    {
        var result = Tool.Run("explain", "SPTE9999");

        Assert.Equal(SpteApp.InputErrorExitCode, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("spte: unknown rule 'SPTE9999'; known rules: SPTE0001, ", line);
        Assert.Contains("SPTE1001, SPTE1002, SPTE1003", line);
        Assert.Empty(result.Out);
    }

    [Theory]
    [InlineData(new[] { "decode" }, "spte decode --help")]
    [InlineData(new[] { "decode", "EptSpte" }, "spte decode --help")]
    [InlineData(new[] { "layout" }, "spte layout --help")]
    [InlineData(new[] { "explain" }, "spte explain --help")]
    public void Missing_arguments(string[] args, string hint)
    {
        var result = Tool.Run(args);

        Assert.Equal(SpteApp.UsageExitCode, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.Matches("^spte: Required argument '[a-z]+' missing for command: '[a-z]+'", line);
        Assert.EndsWith($"(see '{hint}')", line);
        Assert.Empty(result.Out);
    }

    [Fact]
    public void No_command()
    {
        var result = Tool.Run();

        Assert.Equal(SpteApp.UsageExitCode, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("spte: ", line);
        Assert.EndsWith("(see 'spte --help')", line);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("decode", "EptSpte", "0", "--colour")]
    [InlineData("decode", "EptSpte", "0", "extra")]
    public void Unknown_commands_options_and_extra_arguments(params string[] args)
    {
        var result = Tool.Run(args);

        Assert.Equal(SpteApp.UsageExitCode, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("spte: ", line);
        Assert.Empty(result.Out);
    }

    [Fact]
    public void An_svg_path_that_cannot_be_written()
    {
        var path = Path.Combine(Path.GetTempPath(), "spte-no-such-dir-" + Guid.NewGuid().ToString("N"), "x.svg");

        var result = Tool.Run("layout", "EptSpte", "--svg", path);

        Assert.Equal(SpteApp.InputErrorExitCode, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("spte: Could not find a part of the path", line);
        Assert.Empty(result.Out);
    }

    private static void AssertOneLineError(CliResult result, int exitCode, string message)
    {
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal(message, Assert.Single(result.ErrorLines));
        Assert.Empty(result.Out);
    }
}

using System;
using System.IO;
using System.Linq;

namespace Spte.Cli.Tests.Infrastructure;

/// <summary>What one run of <c>spte</c> printed and returned.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Out">Everything written to stdout.</param>
/// <param name="Error">Everything written to stderr.</param>
internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    /// <summary>stderr split into lines, without the trailing empty one.</summary>
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Runs <c>spte</c> in-process, as <c>Program</c> does, with captured output.</summary>
internal static class Tool
{
    public static CliResult Run(params string[] args) => RunWithInput([], args);

    /// <summary>Runs with <paramref name="stdin"/> as what '-' reads.</summary>
    public static CliResult RunWithInput(byte[] stdin, params string[] args)
    {
        using var input = new MemoryStream(stdin, writable: false);
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var exit = SpteApp.Run(args, input, stdout, stderr);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs and asserts success with nothing on stderr.</summary>
    public static string Ok(params string[] args)
    {
        var result = Run(args);
        Xunit.Assert.True(
            result.ExitCode == 0 && result.Error.Length == 0,
            $"spte {string.Join(' ', args)} exited {result.ExitCode}: {result.Error}");
        return result.Out;
    }

    /// <summary>The lines of <paramref name="text"/>.</summary>
    public static string[] Lines(string text) => text.Split('\n').Select(line => line.TrimEnd('\r')).ToArray();
}

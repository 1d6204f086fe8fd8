using System;
using System.CommandLine;
using System.IO;
using Spte.Cli.Commands;

namespace Spte.Cli;

/// <summary>
/// The <c>spte</c> command line: parses, dispatches to a command and turns every failure into one
/// line on stderr and a non-zero exit code. Tests call <see cref="Run"/> in-process.
/// </summary>
internal static class SpteApp
{
    /// <summary>Exit code for a command line that does not parse (missing argument, unknown option).</summary>
    public const int UsageExitCode = 2;

    /// <summary>Exit code for input the command cannot use (unknown format, malformed hex, bad file).</summary>
    public const int InputErrorExitCode = 1;

    /// <summary>Exit code for a failure inside spte itself.</summary>
    public const int InternalErrorExitCode = 3;

    /// <summary>Exit code of <c>decode --check</c> and <c>scan --check</c> when there is a finding.</summary>
    public const int FindingsExitCode = 4;

    /// <summary>Runs <c>spte</c> with <paramref name="args"/>, reading <paramref name="stdin"/> for '-' and writing to the given writers; returns the exit code.</summary>
    public static int Run(string[] args, Stream stdin, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("Decode, draw and explain Spte page-table entry formats.")
        {
            FormatsCommand.Create(stdout),
            DecodeCommand.Create(stdout),
            ScanCommand.Create(stdin, stdout),
            LayoutCommand.Create(stdout),
            ExplainCommand.Create(stdout),
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // System.CommandLine would print every error plus the whole help text; one line is
            // what a script or a person can read.
            var command = parse.CommandResult.Command;
            var helpHint = command == root ? "spte --help" : $"spte {command.Name} --help";
            stderr.WriteLine($"spte: {parse.Errors[0].Message.TrimEnd('.')} (see '{helpHint}')");
            return UsageExitCode;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (CliException e)
        {
            stderr.WriteLine($"spte: {e.Message}");
            return InputErrorExitCode;
        }
        catch (IOException e)
        {
            stderr.WriteLine($"spte: {e.Message}");
            return InputErrorExitCode;
        }
        catch (UnauthorizedAccessException e)
        {
            stderr.WriteLine($"spte: {e.Message}");
            return InputErrorExitCode;
        }
        catch (Exception e)
        {
            // A bug in spte itself: still one line, but say so, so it is reported rather than
            // mistaken for bad input.
            stderr.WriteLine($"spte: internal error: {e.GetType().Name}: {e.Message}");
            return InternalErrorExitCode;
        }
    }
}

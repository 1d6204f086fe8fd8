using System.CommandLine;

namespace Spte.Cli.Commands;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    /// <summary><c>--assembly path.dll</c>, repeatable: also load the formats of a user's compiled assembly.</summary>
    public static Option<string[]> Assembly() => new("--assembly", "-a")
    {
        Description = "Also load the [SpteFormat] types of this compiled assembly (repeatable).",
        HelpName = "path.dll",
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>The <c>format</c> argument: a format's simple or full name, any case.</summary>
    public static Argument<string> Format() => new("format")
    {
        Description = "The format's name, simple (EptSpte) or full (Spte.Runtime.Formats.EptSpte), any case.",
    };

    /// <summary><c>--check</c>: exit with <see cref="SpteApp.FindingsExitCode"/> when there is a finding, for scripts.</summary>
    public static Option<bool> Check() => new("--check")
    {
        Description = "Exit with 4 if an entry is not present but not the format's non-present value (a finding).",
    };
}

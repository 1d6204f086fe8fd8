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
}

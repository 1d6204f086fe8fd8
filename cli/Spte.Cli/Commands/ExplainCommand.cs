using System.CommandLine;
using System.IO;
using Spte.Cli.Docs;

namespace Spte.Cli.Commands;

/// <summary><c>spte explain SPTE1001</c>: prints a diagnostic's documentation page.</summary>
internal static class ExplainCommand
{
    /// <summary>Creates the command, writing to <paramref name="output"/>.</summary>
    public static Command Create(TextWriter output)
    {
        var id = new Argument<string>("rule")
        {
            Description = $"A diagnostic ID: {string.Join(", ", RuleDocs.Ids)}.",
        };
        var command = new Command("explain", "Print a diagnostic's documentation: what it catches, why (the KVM story), how to fix and suppress it.")
        {
            id,
        };
        command.SetAction(parse =>
        {
            output.Write(RuleDocs.Read(parse.GetRequiredValue(id)));
            return 0;
        });
        return command;
    }
}

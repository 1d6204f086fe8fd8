using System.CommandLine;
using System.IO;
using System.Linq;
using Spte.Cli.Model;

namespace Spte.Cli.Commands;

/// <summary><c>spte formats</c>: lists the known formats.</summary>
internal static class FormatsCommand
{
    /// <summary>Creates the command, writing to <paramref name="output"/>.</summary>
    public static Command Create(TextWriter output)
    {
        var assemblies = CommonOptions.Assembly();
        var command = new Command("formats", "List the known formats: the runtime's and those of any --assembly.")
        {
            assemblies,
        };
        command.SetAction(parse =>
        {
            var catalog = FormatCatalog.Load(parse.GetValue(assemblies) ?? []);
            var nameWidth = catalog.Formats.Max(format => format.Name.Length);
            var fullWidth = catalog.Formats.Max(format => format.FullName.Length);
            foreach (var format in catalog.Formats)
            {
                var views = format.Views.Count == 0 ? "no views" : "views " + string.Join(", ", format.Views.Select(view => view.Name));
                output.WriteLine($"{format.Name.PadRight(nameWidth)}  {format.FullName.PadRight(fullWidth)}  {views}  ({format.Origin})");
            }

            return 0;
        });
        return command;
    }
}

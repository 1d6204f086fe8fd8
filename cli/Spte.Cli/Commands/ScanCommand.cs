using System.CommandLine;
using System.IO;
using Spte.Cli.Classification;
using Spte.Cli.Model;
using Spte.Cli.Scanning;

namespace Spte.Cli.Commands;

/// <summary><c>spte scan &lt;format&gt; &lt;file|-&gt; [--binary] [--check]</c>: classifies many entries, listing every finding.</summary>
internal static class ScanCommand
{
    /// <summary>Creates the command, reading '-' from <paramref name="stdin"/> and writing to <paramref name="output"/>.</summary>
    public static Command Create(Stream stdin, TextWriter output)
    {
        var format = CommonOptions.Format();
        var input = new Argument<string>("input")
        {
            Description = "The entries: a file, or '-' for stdin.",
        };
        var binary = new Option<bool>("--binary")
        {
            Description = "Read a raw dump of page tables (4096-byte tables of 512 little-endian 8-byte entries) instead of hex text, one entry a line.",
        };
        var check = CommonOptions.Check();
        var assemblies = CommonOptions.Assembly();
        var command = new Command(
            "scan",
            "Classify many entries (hex, one a line, with blank lines and '#' comments; or --binary tables) and print a count per class and every finding with its line, or its table and entry.")
        {
            format,
            input,
            binary,
            check,
            assemblies,
        };
        command.SetAction(parse =>
        {
            var model = FormatCatalog.Load(parse.GetValue(assemblies) ?? []).Find(parse.GetRequiredValue(format));
            var classifier = EntryClassifier.For(model);
            var path = parse.GetRequiredValue(input);
            var name = ScanInput.NameOf(path);
            var isBinary = parse.GetValue(binary);
            using var file = ScanInput.OpenFile(path);
            var stream = file ?? stdin;

            // Nothing is printed until the whole input has been read, so bad input leaves only the error.
            var tally = new ScanTally(model);
            foreach (var entry in isBinary ? BinaryEntryReader.Read(stream, name) : TextEntryReader.Read(stream, name))
            {
                tally.Add(entry, classifier.Classify(entry.Raw));
            }

            if (tally.Entries == 0)
            {
                throw new CliException($"{name} holds no entries");
            }

            ScanWriter.Write(model, tally, name, isBinary, output);
            return parse.GetValue(check) && tally.Findings.Count > 0 ? SpteApp.FindingsExitCode : 0;
        });
        return command;
    }
}

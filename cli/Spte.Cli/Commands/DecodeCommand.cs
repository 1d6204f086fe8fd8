using System.CommandLine;
using System.IO;
using Spte.Cli.Decoding;
using Spte.Cli.Model;

namespace Spte.Cli.Commands;

/// <summary><c>spte decode &lt;format&gt; &lt;hex&gt;</c>: every field, every view, presence and special values.</summary>
internal static class DecodeCommand
{
    /// <summary>Creates the command, writing to <paramref name="output"/>.</summary>
    public static Command Create(TextWriter output)
    {
        var format = CommonOptions.Format();
        var hex = new Argument<string>("hex")
        {
            Description = "The 64-bit entry in hex, e.g. 0x8000000000ABC907 ('0x' and '_' separators optional).",
        };
        var assemblies = CommonOptions.Assembly();
        var command = new Command(
            "decode",
            "Decode an entry: each field with its bits and value, whether it is present, which special value it is, and its reading in every view (marking views whose reserved bits it sets).")
        {
            format,
            hex,
            assemblies,
        };
        command.SetAction(parse =>
        {
            // Parse the value first: a typo in it should not wait for an assembly to load.
            var raw = HexValue.Parse(parse.GetRequiredValue(hex));
            var model = FormatCatalog.Load(parse.GetValue(assemblies) ?? []).Find(parse.GetRequiredValue(format));
            DecodeWriter.Write(DecodedEntry.Decode(model, raw), output);
            return 0;
        });
        return command;
    }
}

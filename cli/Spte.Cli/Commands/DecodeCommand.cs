using System.CommandLine;
using System.IO;
using Spte.Cli.Classification;
using Spte.Cli.Decoding;
using Spte.Cli.Model;

namespace Spte.Cli.Commands;

/// <summary><c>spte decode &lt;format&gt; &lt;hex&gt; [--check]</c>: the entry's class (a finding first), every field, every view.</summary>
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
        var check = CommonOptions.Check();
        var assemblies = CommonOptions.Assembly();
        var command = new Command(
            "decode",
            "Decode an entry: its class (present, the non-present value, a special value, an MMIO SPTE, or a finding: not present but not the non-present value, with what that causes), each field with its bits and value, and its reading in every view (marking views whose reserved bits it sets).")
        {
            format,
            hex,
            check,
            assemblies,
        };
        command.SetAction(parse =>
        {
            // Parse the value first: a typo in it should not wait for an assembly to load.
            var raw = HexValue.Parse(parse.GetRequiredValue(hex));
            var model = FormatCatalog.Load(parse.GetValue(assemblies) ?? []).Find(parse.GetRequiredValue(format));
            var classification = EntryClassifier.For(model).Classify(raw);
            DecodeWriter.Write(DecodedEntry.Decode(model, raw), classification, output);
            return parse.GetValue(check) && classification.Finding is not null ? SpteApp.FindingsExitCode : 0;
        });
        return command;
    }
}

using System.CommandLine;
using System.IO;
using Spte.Cli.Layout;
using Spte.Cli.Model;

namespace Spte.Cli.Commands;

/// <summary><c>spte layout &lt;format&gt; [--svg file]</c>: the 64-bit layout as text, and as an SVG file.</summary>
internal static class LayoutCommand
{
    /// <summary>Creates the command, writing to <paramref name="output"/>.</summary>
    public static Command Create(TextWriter output)
    {
        var format = CommonOptions.Format();
        var svg = new Option<string>("--svg")
        {
            Description = "Also write the layout as an SVG drawing to this file ('-' writes only the SVG, to stdout).",
            HelpName = "file",
        };
        var assemblies = CommonOptions.Assembly();
        var command = new Command(
            "layout",
            "Draw a format's 64-bit layout: its fields, each view's fields and reserved bits, the present bits, the non-present value and the special values.")
        {
            format,
            svg,
            assemblies,
        };
        command.SetAction(parse =>
        {
            var model = FormatCatalog.Load(parse.GetValue(assemblies) ?? []).Find(parse.GetRequiredValue(format));
            var layout = LayoutBuilder.Build(model);
            var svgPath = parse.GetValue(svg);
            if (svgPath == "-")
            {
                output.Write(SvgLayoutWriter.Write(layout));
                return 0;
            }

            // The file first: if it cannot be written, the one-line error is all the user sees.
            if (svgPath is not null)
            {
                File.WriteAllText(svgPath, SvgLayoutWriter.Write(layout));
            }

            TextLayoutWriter.Write(layout, output);
            if (svgPath is not null)
            {
                output.WriteLine();
                output.WriteLine($"wrote {svgPath}");
            }

            return 0;
        });
        return command;
    }
}

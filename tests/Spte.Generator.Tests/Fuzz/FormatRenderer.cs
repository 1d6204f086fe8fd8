using System.Globalization;
using System.Linq;
using System.Text;

namespace Spte.Generator.Tests.Fuzz;

/// <summary>Writes a <see cref="FormatModel"/> as the C# a user would write.</summary>
internal static class FormatRenderer
{
    public static string Render(FormatModel format)
    {
        var text = new StringBuilder();
        text.Append("using Spte;\n\n");
        if (format.Namespace is not null)
        {
            text.Append("namespace ").Append(format.Namespace).Append(";\n\n");
        }

        foreach (var e in format.Enums)
        {
            text.Append("internal enum ").Append(e.Name).Append(" : ").Append(e.Underlying).Append(" { ")
                .Append(string.Join(", ", e.Values.Select((v, i) => $"V{i} = {Int(v)}"))).Append(" }\n\n");
        }

        if (format.OrphanView)
        {
            text.Append("[SpteView]\ninternal partial struct Orphan").Append(Int(format.Index)).Append(" { }\n\n");
        }

        var indent = string.Empty;
        if (format.Container is not null)
        {
            text.Append(format.ContainerPartial ? "internal static partial class " : "internal static class ").Append(format.Container).Append("\n{\n");
            indent = "    ";
        }

        text.Append(indent).Append("[SpteFormat(NonPresentValue = ").Append(Hex(format.NonPresent)).Append(")]\n");
        foreach (var special in format.Specials)
        {
            text.Append(indent).Append("[SpecialValue(").Append(Quote(special.Name)).Append(", ").Append(Hex(special.Value)).Append(")]\n");
        }

        foreach (var mask in format.Masks)
        {
            text.Append(indent).Append("[Mask(").Append(Quote(mask.Name)).Append(", ").Append(Hex(mask.Value)).Append(")]\n");
        }

        foreach (var run in format.Reserved)
        {
            text.Append(indent).Append(Reserved(run)).Append('\n');
        }

        foreach (var assertion in format.Assertions)
        {
            var second = assertion.Kind == AssertionKind.Width ? Int(assertion.Bits) : Quote(assertion.Second);
            text.Append(indent).Append('[').Append(assertion.Kind).Append('(').Append(Quote(assertion.First)).Append(", ").Append(second).Append(")]\n");
        }

        text.Append(indent).Append(Declaration(format)).Append('\n').Append(indent).Append("{\n");
        foreach (var field in format.Fields)
        {
            text.Append(indent).Append("    ").Append(Property(field)).Append('\n');
        }

        foreach (var view in format.Views)
        {
            text.Append(indent).Append("    [SpteView]\n");
            foreach (var run in view.Reserved)
            {
                text.Append(indent).Append("    ").Append(Reserved(run)).Append('\n');
            }

            text.Append(indent).Append(view.Partial ? "    internal partial struct " : "    internal struct ").Append(view.Name).Append('\n')
                .Append(indent).Append("    {\n");
            foreach (var field in view.Fields)
            {
                text.Append(indent).Append("        ").Append(Property(field)).Append('\n');
            }

            text.Append(indent).Append("    }\n");
        }

        text.Append(indent).Append("}\n");
        if (format.Container is not null)
        {
            text.Append("}\n");
        }

        return text.ToString();
    }

    private static string Declaration(FormatModel format) => format.Declaration switch
    {
        DeclarationKind.Class => "internal partial class " + format.Name,
        DeclarationKind.NotPartial => "internal struct " + format.Name,
        DeclarationKind.Generic => "internal partial struct " + format.Name + "<T>",
        DeclarationKind.RecordStruct => "internal partial record struct " + format.Name,
        DeclarationKind.RefStruct => "internal ref partial struct " + format.Name,
        _ => "internal partial struct " + format.Name,
    };

    private static string Property(FieldModel field)
    {
        var attributes = field.Runs
            .Select(static r => r.Low == r.High ? $"Bit({Int(r.Low)})" : $"Bits({Int(r.Low)}, {Int(r.High)})")
            .Concat(field.Present ? ["Present"] : [])
            .ToList();
        var declaration = field.Shape switch
        {
            PropertyShape.Setter => $"public partial {field.Type.Name} {field.Name} {{ get; set; }}",
            PropertyShape.NotPartial => $"public {field.Type.Name} {field.Name} {{ get; }}",
            PropertyShape.Static => $"public static partial {field.Type.Name} {field.Name} {{ get; }}",
            _ => $"public partial {field.Type.Name} {field.Name} {{ get; }}",
        };
        return $"[{string.Join(", ", attributes)}] {declaration}";
    }

    private static string Reserved((int Low, int High) run) =>
        run.Low == run.High ? $"[Reserved({Int(run.Low)})]" : $"[Reserved({Int(run.Low)}, {Int(run.High)})]";

    private static string Hex(ulong value) => "0x" + value.ToString("X16", CultureInfo.InvariantCulture) + "UL";

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string text) => "\"" + text + "\"";
}

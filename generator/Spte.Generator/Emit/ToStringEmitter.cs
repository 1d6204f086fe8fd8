using System.Collections.Generic;
using Spte.Generator.Model;

namespace Spte.Generator.Emit;

/// <summary>The generated <c>ToString</c> of formats and views.</summary>
internal static class ToStringEmitter
{
    private const string Invariant = "global::System.Globalization.CultureInfo.InvariantCulture";

    /// <summary>
    /// Decodes the entry: this code produces "EptSpte.Frozen (0x80000000000005A0)" for a special
    /// value and "EptSpte 0x0000000000000807 { Readable, Writable, Pfn = 0x1 }" otherwise, listing
    /// set flags and non-zero fields.
    /// </summary>
    public static void Emit(SourceWriter w, string displayName, IEnumerable<FieldSpec> fields, IReadOnlyList<string> specialNames, bool listReservedBits)
    {
        w.Line();
        w.Line("/// <summary>Decodes the entry: its special name, or its raw value and each set field.</summary>");
        using (w.Block("public override string ToString()"))
        {
            // Special values (the format's NonPresent and [SpecialValue]s) read by name.
            foreach (var special in specialNames)
            {
                using (w.Block($"if (Raw == {special}Value)"))
                {
                    w.Line($"return \"{displayName}.{special} (0x\" + Raw.ToString(\"X16\", {Invariant}) + \")\";");
                }

                w.Line();
            }

            w.Line("var parts = new global::System.Collections.Generic.List<string>();");
            foreach (var field in fields)
            {
                switch (field.Kind)
                {
                    case FieldKind.Bool:
                        w.Line($"if ({field.Name}) parts.Add(\"{field.Name}\");");
                        break;
                    case FieldKind.Enum:
                        w.Line($"if ((Raw & {field.Name}Mask) != 0) parts.Add(\"{field.Name} = \" + {field.Name}.ToString());");
                        break;
                    default:
                        w.Line($"if ((Raw & {field.Name}Mask) != 0) parts.Add(\"{field.Name} = 0x\" + ((ulong){field.Name}).ToString(\"X\", {Invariant}));");
                        break;
                }
            }

            if (listReservedBits)
            {
                w.Line($"if (ReservedBits != 0) parts.Add(\"reserved bits set 0x\" + ReservedBits.ToString(\"X\", {Invariant}));");
            }

            w.Line($"return \"{displayName} 0x\" + Raw.ToString(\"X16\", {Invariant}) + \" {{ \" + string.Join(\", \", parts) + (parts.Count == 0 ? \"}}\" : \" }}\");");
        }
    }
}

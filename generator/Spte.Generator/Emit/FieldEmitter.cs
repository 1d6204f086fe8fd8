using System.Linq;
using Spte.Generator.Model;
using Spte.Generator.Validation;

namespace Spte.Generator.Emit;

/// <summary>A field's members: its mask, shift and max constants, its getter and its <c>With</c> method.</summary>
internal static class FieldEmitter
{
    public static void EmitConstants(SourceWriter w, FieldSpec field)
    {
        w.Line();
        w.Line($"/// <summary>The bits of <see cref=\"{field.Name}\"/>: {BitText.Describe(field.Mask)}.</summary>");
        w.Line($"public const ulong {field.Name}Mask = {BitText.Literal(field.Mask)};");
        if (field.Runs.Count == 1)
        {
            w.Line();
            w.Line($"/// <summary>The lowest bit of <see cref=\"{field.Name}\"/>.</summary>");
            w.Line($"public const int {field.Name}Shift = {BitText.Int(field.Runs[0].Low)};");
        }

        w.Line();
        w.Line($"/// <summary>The largest value <see cref=\"{field.Name}\"/> can hold.</summary>");
        w.Line($"public const ulong {field.Name}Max = {BitText.Literal(BitText.LowMask(field.Width))};");
    }

    /// <summary>
    /// The getter and <c>With</c> method. <paramref name="userDeclared"/>: the getter implements
    /// the user's partial property; otherwise (a format field repeated in a view) it is a plain
    /// property of its own. <paramref name="target"/> decides how the getter extracts runs.
    /// </summary>
    public static void EmitField(SourceWriter w, string owner, FieldSpec field, bool userDeclared, EmitTarget target)
    {
        w.Line();
        if (!userDeclared)
        {
            w.Line($"/// <summary>The field {field.Name}: {BitText.Bits(field.Mask)}.</summary>");
        }

        using (w.Block(userDeclared ? $"{field.Modifiers} {field.TypeName} {field.Name}" : $"public {field.TypeName} {field.Name}"))
        {
            w.Line(FormatEmitter.Inline);
            w.Line("get => " + FieldRead.Expression(field, target) + ";");
        }

        w.Line();
        w.Line($"/// <summary>A copy of this entry with <see cref=\"{field.Name}\"/> set to <paramref name=\"value\"/>.</summary>");
        var checksRange = field.Kind != FieldKind.Bool && field.Width < (field.SignedUnderlying ? 64 : field.TypeBits);
        if (checksRange)
        {
            w.Line($"/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"value\"/> is above {field.Name}Max or negative.</exception>");
        }

        w.Line(FormatEmitter.Inline);
        using (w.Block($"public {owner} With{field.Name}({field.TypeName} value)"))
        {
            if (field.Kind == FieldKind.Bool)
            {
                // Set or clear, not clear-then-or: the JIT selects between the two with a cmov (one
                // instruction fewer than turning the bool into a bit), and a constant argument
                // folds to a single or/and (issue 18). A chain keeps one or per With: the JIT does
                // not merge them across the inlined calls.
                w.Line($"return new(value ? Raw | {field.Name}Mask : Raw & ~{field.Name}Mask);");
                return;
            }

            w.Line($"var bits = {ValueBits(field)};");
            if (checksRange)
            {
                using (w.Block($"if (bits > {field.Name}Max)"))
                {
                    w.Line($"global::Spte.SpteThrow.FieldOutOfRange(\"{field.Name}\", bits, {field.Name}Max);");
                }

                w.Line();
            }

            w.Line($"return new((Raw & ~{field.Name}Mask){Placement(field)});");
        }
    }

    /// <summary>The value as an unsigned 64-bit number; a negative signed value becomes huge and fails the range check.</summary>
    private static string ValueBits(FieldSpec field) => field switch
    {
        { TypeName: "ulong" } => "value",
        { SignedUnderlying: true } => "unchecked((ulong)(long)value)",
        _ => "(ulong)value",
    };

    /// <summary>The OR-terms that place <c>bits</c> into the field's runs.</summary>
    private static string Placement(FieldSpec field)
    {
        if (field.Runs.Count == 1)
        {
            return field.Runs[0].Low == 0 ? " | bits" : $" | (bits << {field.Name}Shift)";
        }

        return string.Concat(field.Runs.Select(static r =>
        {
            var part = r.ValueShift == 0 ? "bits" : $"(bits >> {BitText.Int(r.ValueShift)})";
            return $" | (({part} & {BitText.Literal(BitText.LowMask(r.Width))}) << {BitText.Int(r.Low)})";
        }));
    }
}

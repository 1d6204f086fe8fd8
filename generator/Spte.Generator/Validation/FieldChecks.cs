using System.Collections.Generic;
using System.Linq;
using Spte.Generator.Diagnostics;
using Spte.Generator.Model;

namespace Spte.Generator.Validation;

/// <summary>A field after its own checks: the mask it occupies and its emitter spec.</summary>
internal sealed record CheckedField(FieldDeclaration Declaration, ulong Mask, FieldSpec Spec, Occupant Occupant);

/// <summary>Something that takes bits in a view: a field or a reserved run.</summary>
internal sealed record Occupant(string Description, ulong Mask, EquatableArray<BitRun> Runs);

/// <summary>Bit ranges, field types and overlaps within one view (SPTE0002, SPTE0003, SPTE0007).</summary>
internal static class FieldChecks
{
    public static List<CheckedField> Fields(ValidationContext context, EquatableArray<FieldDeclaration> declarations)
    {
        var fields = new List<CheckedField>();
        foreach (var field in declarations)
        {
            if (field.DeclarationError is not null)
            {
                context.Report(field.DeclarationError);
                continue;
            }

            if (Mask(context, field) is not { } mask)
            {
                context.Structural = true;
                continue;
            }

            var runs = new List<RunSpec>();
            var width = 0;
            foreach (var run in field.Runs)
            {
                runs.Add(new RunSpec(run.Low, run.High - run.Low + 1, width));
                width += run.High - run.Low + 1;
            }

            var typeProblem = TypeProblem(field, width);
            if (typeProblem is not null)
            {
                context.Report(DiagnosticDescriptors.FieldTypeMismatch, field.TypeLocation ?? field.NameLocation, field.Name, field.TypeName.Replace("global::", string.Empty), BitText.Int(width), BitText.Bits(mask), typeProblem);
                context.Structural = true;
                continue;
            }

            var spec = new FieldSpec(field.Name, field.Modifiers, field.TypeName, field.Kind, field.TypeBits, field.SignedUnderlying, mask, width, runs.ToEquatableArray());
            fields.Add(new CheckedField(field, mask, spec, new Occupant("field '" + field.Name + "'", mask, field.Runs)));
        }

        return fields;
    }

    /// <summary>The bits of <paramref name="field"/>'s runs, or null (reported) when a run is out of range or overlaps an earlier one.</summary>
    private static ulong? Mask(ValidationContext context, FieldDeclaration field)
    {
        var mask = 0UL;
        var valid = true;
        foreach (var run in field.Runs)
        {
            if (RangeProblem(run) is { } problem)
            {
                context.Report(DiagnosticDescriptors.BitRangeInvalid, run.Location, BitText.Int(run.Low), BitText.Int(run.High), field.Name, problem);
                valid = false;
                continue;
            }

            var runMask = BitText.Mask(run.Low, run.High);
            if ((mask & runMask) != 0)
            {
                context.Report(
                    DiagnosticDescriptors.FieldsOverlap,
                    run.Location,
                    "field '" + field.Name + "'",
                    BitText.Bits(runMask),
                    "its own earlier run",
                    BitText.Bits(mask),
                    BitText.Bits(mask & runMask),
                    "format '" + context.Format.Name + "'");
                valid = false;
            }

            mask |= runMask;
        }

        return valid ? mask : null;
    }

    public static List<Occupant> Reserved(ValidationContext context, EquatableArray<BitRun> runs)
    {
        var occupants = new List<Occupant>();
        foreach (var run in runs)
        {
            if (RangeProblem(run) is { } problem)
            {
                context.Report(DiagnosticDescriptors.BitRangeInvalid, run.Location, BitText.Int(run.Low), BitText.Int(run.High), "Reserved", problem);
                context.Structural = true;
                continue;
            }

            occupants.Add(new Occupant("reserved bits", BitText.Mask(run.Low, run.High), new EquatableArray<BitRun>([run])));
        }

        return occupants;
    }

    /// <summary>
    /// Reports each pair of overlapping occupants once, at a run of the later one; only the last
    /// <paramref name="newCount"/> occupants are new in this scope, the others were checked before.
    /// </summary>
    public static void CheckOverlaps(ValidationContext context, List<Occupant> occupants, int newCount, string scope)
    {
        for (var later = occupants.Count - newCount; later < occupants.Count; later++)
        {
            for (var earlier = 0; earlier < later; earlier++)
            {
                var overlap = occupants[later].Mask & occupants[earlier].Mask;
                if (overlap == 0)
                {
                    continue;
                }

                var run = occupants[later].Runs.FirstOrDefault(r => (BitText.Mask(r.Low, r.High) & overlap) != 0);
                context.Report(
                    DiagnosticDescriptors.FieldsOverlap,
                    run?.Location,
                    occupants[later].Description,
                    BitText.Bits(occupants[later].Mask),
                    occupants[earlier].Description,
                    BitText.Bits(occupants[earlier].Mask),
                    BitText.Bits(overlap),
                    scope);
            }
        }
    }

    private static string? RangeProblem(BitRun run) =>
        run.Low < 0 || run.High > 63 || run.Low > 63 || run.High < 0
            ? "bits must lie within 0..63"
            : run.Low > run.High ? "the low bit comes first: write the range as low..high" : null;

    private static string? TypeProblem(FieldDeclaration field, int width) => field.Kind switch
    {
        FieldKind.Unsupported => "only bool, integer and enum properties can hold bits",
        FieldKind.Bool when width != 1 => "bool holds exactly one bit; use an integer or enum type for a run",
        FieldKind.Unsigned or FieldKind.Enum when !field.SignedUnderlying && width > field.TypeBits => $"it holds at most {BitText.Int(field.TypeBits)} bits",
        FieldKind.Signed or FieldKind.Enum when field.SignedUnderlying && width > field.TypeBits - 1 => $"a signed {BitText.Int(field.TypeBits)}-bit type holds at most {BitText.Int(field.TypeBits - 1)} bits without turning negative",
        _ => null,
    };
}

using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Spte.Generator.Diagnostics;
using Spte.Generator.Model;

namespace Spte.Generator.Validation;

/// <summary>A view after its fields' checks, with every bit reserved in it (its own and the format's).</summary>
internal sealed record CheckedView(ViewDeclaration Declaration, List<CheckedField> Fields, ulong Reserved);

/// <summary>
/// Checks a declared format against its invariants (the static asserts) and computes the spec the
/// emitter needs. Pure: values in, values out. Each family of checks has its own file:
/// <see cref="FieldChecks"/>, <see cref="NameChecks"/>, <see cref="AssertionChecks"/>.
/// </summary>
internal static class FormatValidator
{
    public static FormatResult Validate(FormatDeclaration format, CancellationToken cancellationToken)
    {
        var context = new ValidationContext(format);
        if (format.DeclarationError is not null)
        {
            context.Report(format.DeclarationError);
            return new FormatResult(null, context.Diagnostics.ToEquatableArray());
        }

        cancellationToken.ThrowIfCancellationRequested();

        var common = FieldChecks.Fields(context, format.Fields);
        var formatReserved = FieldChecks.Reserved(context, format.Reserved);
        var formatOccupants = common.Select(static f => f.Occupant).Concat(formatReserved).ToList();
        FieldChecks.CheckOverlaps(context, formatOccupants, formatOccupants.Count, "format '" + format.Name + "'");

        var presentMask = common
            .Where(static f => f.Declaration.PresentLocation is not null)
            .Aggregate(0UL, static (mask, f) => mask | f.Mask);
        var reservedMask = formatReserved.Aggregate(0UL, static (mask, r) => mask | r.Mask);
        var views = new List<CheckedView>();
        foreach (var view in format.Views)
        {
            if (view.DeclarationError is not null)
            {
                context.Report(view.DeclarationError);
                continue;
            }

            var fields = FieldChecks.Fields(context, view.Fields);
            var reserved = FieldChecks.Reserved(context, view.Reserved);
            var occupants = fields.Select(static f => f.Occupant).Concat(reserved).ToList();
            FieldChecks.CheckOverlaps(context, [.. formatOccupants, .. occupants], occupants.Count, "view '" + format.Name + "." + view.Name + "'");
            views.Add(new CheckedView(view, fields, reserved.Aggregate(reservedMask, static (mask, r) => mask | r.Mask)));
        }

        if (presentMask == 0)
        {
            context.Report(DiagnosticDescriptors.NoPresentBit, format.FormatLocation, format.Name);
        }

        var asserts = new List<ConstAssertSpec>();
        if ((format.NonPresentValue & presentMask) != 0)
        {
            context.Report(
                DiagnosticDescriptors.NonPresentSetsPresentBit,
                format.NonPresentLocation ?? format.FormatLocation,
                BitText.Hex(format.NonPresentValue),
                BitText.Bits(format.NonPresentValue & presentMask),
                format.Name);
        }
        else
        {
            asserts.Add(new ConstAssertSpec("NonPresentValue sets no present bit", "(NonPresentValue & PresentMask) == 0"));
        }

        var specials = CheckSpecials(context, presentMask, asserts);
        foreach (var mask in format.Masks)
        {
            context.CheckIdentifier(mask.Name, mask.NameLocation, "mask");
        }

        NameChecks.Check(context, common, views);
        AssertionChecks.Check(context, common, views, presentMask, reservedMask, asserts);

        var spec = new FormatSpec(
            format.Namespace,
            format.Containers,
            format.Name,
            format.HintName,
            !context.Structural,
            format.NonPresentValue,
            presentMask,
            reservedMask,
            context.Structural ? StubFields(format.Fields) : common.Select(static f => f.Spec).ToEquatableArray(),
            specials.ToEquatableArray(),
            format.Masks.Select(static m => new NamedValueSpec(m.Name, m.Value)).ToEquatableArray(),
            views.Select(v => new ViewSpec(
                v.Declaration.Name,
                v.Reserved,
                context.Structural ? StubFields(v.Declaration.Fields) : v.Fields.Select(static f => f.Spec).ToEquatableArray())).ToEquatableArray(),
            asserts.ToEquatableArray());
        return new FormatResult(spec, context.Diagnostics.ToEquatableArray());
    }

    /// <summary>
    /// What a stub implements: every partial property the user declared, including those that
    /// failed their own checks, since each one left out is a CS9248 "must have an
    /// implementation part" error on top of the SPTE one.
    /// </summary>
    private static EquatableArray<FieldSpec> StubFields(EquatableArray<FieldDeclaration> fields) =>
        fields
            .Where(static f => f.Stubbable)
            .Select(static f => new FieldSpec(f.Name, f.Modifiers, f.TypeName, f.Kind, f.TypeBits, f.SignedUnderlying, 0, 0, EquatableArray<RunSpec>.Empty))
            .ToEquatableArray();

    /// <summary>Special values set no present bit (SPTE0004) and differ from each other and from the non-present value (SPTE0012).</summary>
    private static List<NamedValueSpec> CheckSpecials(ValidationContext context, ulong presentMask, List<ConstAssertSpec> asserts)
    {
        var format = context.Format;
        var specials = new List<NamedValueSpec>();
        foreach (var special in format.Specials)
        {
            context.CheckIdentifier(special.Name, special.NameLocation, "special value");
            if ((special.Value & presentMask) != 0)
            {
                context.Report(
                    DiagnosticDescriptors.SpecialValueSetsPresentBit,
                    special.ValueLocation,
                    special.Name,
                    BitText.Hex(special.Value),
                    BitText.Bits(special.Value & presentMask),
                    format.Name);
            }
            else if (ValidationContext.IsIdentifier(special.Name))
            {
                asserts.Add(new ConstAssertSpec(special.Name + " sets no present bit", $"({special.Name}Value & PresentMask) == 0"));
            }

            var twin = special.Value == format.NonPresentValue
                ? "NonPresentValue"
                : specials.FirstOrDefault(s => s.Value == special.Value) is { } earlier ? "special value '" + earlier.Name + "'" : null;
            if (twin is not null)
            {
                context.Report(DiagnosticDescriptors.ValuesCollide, special.ValueLocation, special.Name, BitText.Hex(special.Value), twin);
            }

            specials.Add(new NamedValueSpec(special.Name, special.Value));
        }

        return specials;
    }
}

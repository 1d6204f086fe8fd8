using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis.CSharp;
using Spte.Generator.Diagnostics;
using Spte.Generator.Model;

namespace Spte.Generator.Validation;

/// <summary>
/// Checks a declared format against its invariants (the static asserts) and computes the spec the
/// emitter needs. Pure: values in, values out.
/// </summary>
internal static class FormatValidator
{
    public static FormatResult Validate(FormatDeclaration format, CancellationToken cancellationToken)
    {
        var context = new Context(format);
        if (format.DeclarationError is not null)
        {
            context.Report(RuleIdentifiers.FormatNotPartialStruct, format.IdentifierLocation, format.Name, format.DeclarationError);
            return new FormatResult(null, context.Diagnostics.ToEquatableArray());
        }

        cancellationToken.ThrowIfCancellationRequested();

        var formatScope = "format '" + format.Name + "'";
        var common = context.Fields(format.Fields);
        var formatReserved = context.Reserved(format.Reserved);
        var formatOccupants = common.Select(static f => f.Occupant).Concat(formatReserved).ToList();
        context.CheckOverlaps(formatOccupants, formatOccupants.Count, formatScope);

        var presentMask = 0UL;
        foreach (var field in common.Where(static f => f.Declaration.PresentLocation is not null))
        {
            presentMask |= field.Mask;
        }

        var reservedMask = formatReserved.Aggregate(0UL, static (mask, r) => mask | r.Mask);
        var views = new List<(ViewDeclaration Declaration, List<CheckedField> Fields, ulong Reserved)>();
        foreach (var view in format.Views)
        {
            if (view.DeclarationError is not null)
            {
                context.Report(RuleIdentifiers.MemberDeclarationInvalid, view.Location, view.Name, view.DeclarationError);
                context.Structural = true;
                continue;
            }

            var fields = context.Fields(view.Fields);
            var reserved = context.Reserved(view.Reserved);
            var occupants = fields.Select(static f => f.Occupant).Concat(reserved).ToList();
            context.CheckOverlaps(formatOccupants.Concat(occupants).ToList(), occupants.Count, "view '" + format.Name + "." + view.Name + "'");
            views.Add((view, fields, reserved.Aggregate(reservedMask, static (mask, r) => mask | r.Mask)));
        }

        if (presentMask == 0)
        {
            context.Report(RuleIdentifiers.NoPresentBit, format.FormatLocation, format.Name);
        }

        var asserts = new List<ConstAssertSpec>();
        if ((format.NonPresentValue & presentMask) != 0)
        {
            context.Report(
                RuleIdentifiers.NonPresentSetsPresentBit,
                format.NonPresentLocation ?? format.FormatLocation,
                BitText.Hex(format.NonPresentValue),
                BitText.Bits(format.NonPresentValue & presentMask),
                format.Name);
        }
        else
        {
            asserts.Add(new ConstAssertSpec("NonPresentValue sets no present bit", "(NonPresentValue & PresentMask) == 0"));
        }

        var specials = CheckSpecials(context, format, presentMask, asserts);
        foreach (var mask in format.Masks)
        {
            context.CheckIdentifier(mask.Name, mask.NameLocation, "mask");
        }

        CheckNames(context, format, common, views.Select(static v => (v.Declaration, v.Fields)).ToList());
        CheckAssertions(context, format, common, views, presentMask, reservedMask, asserts);

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
            .Select(static f => new FieldSpec(f.Name, f.Modifiers, f.TypeName, f.Kind, f.TypeBits, f.SignedUnderlying, true, 0, 0, EquatableArray<RunSpec>.Empty))
            .ToEquatableArray();

    private static List<NamedValueSpec> CheckSpecials(Context context, FormatDeclaration format, ulong presentMask, List<ConstAssertSpec> asserts)
    {
        var specials = new List<NamedValueSpec>();
        foreach (var special in format.Specials)
        {
            context.CheckIdentifier(special.Name, special.NameLocation, "special value");
            if ((special.Value & presentMask) != 0)
            {
                context.Report(
                    RuleIdentifiers.SpecialValueSetsPresentBit,
                    special.ValueLocation,
                    special.Name,
                    BitText.Hex(special.Value),
                    BitText.Bits(special.Value & presentMask),
                    format.Name);
            }
            else if (context.IsIdentifier(special.Name))
            {
                asserts.Add(new ConstAssertSpec(special.Name + " sets no present bit", $"({special.Name}Value & PresentMask) == 0"));
            }

            var twin = special.Value == format.NonPresentValue
                ? "NonPresentValue"
                : specials.FirstOrDefault(s => s.Value == special.Value) is { } earlier ? "special value '" + earlier.Name + "'" : null;
            if (twin is not null)
            {
                context.Report(RuleIdentifiers.ValuesCollide, special.ValueLocation, special.Name, BitText.Hex(special.Value), twin);
            }

            specials.Add(new NamedValueSpec(special.Name, special.Value));
        }

        return specials;
    }

    /// <summary>
    /// Every name the generated code declares in one scope must be unique, or the output would not
    /// compile; a clash is reported where the user chose the later name.
    /// </summary>
    private static void CheckNames(Context context, FormatDeclaration format, List<CheckedField> common, List<(ViewDeclaration Declaration, List<CheckedField> Fields)> views)
    {
        var scope = new NameScope(context, format.Name, "Raw", "FromRaw", "Equals", "GetHashCode", "ToString", "NonPresent", "NonPresentValue", "PresentMask", "IsPresent", "NewTable", "ReservedMask", "ReservedBits");
        foreach (var field in common)
        {
            scope.AddField(field);
        }

        foreach (var special in format.Specials)
        {
            scope.Add("special value '" + special.Name + "'", special.NameLocation, special.Name, special.Name + "Value", "Is" + special.Name);
        }

        foreach (var mask in format.Masks)
        {
            scope.Add("mask '" + mask.Name + "'", mask.NameLocation, mask.Name + "Mask");
        }

        foreach (var (view, fields) in views)
        {
            scope.Add("view '" + view.Name + "'", view.Location, view.Name, "As" + view.Name);
            var viewScope = new NameScope(context, view.Name, "Raw", "FromRaw", "Equals", "GetHashCode", "ToString", "IsPresent", "ReservedMask", "ReservedBits");
            foreach (var field in common)
            {
                viewScope.Add("field '" + field.Declaration.Name + "'", field.Declaration.NameLocation, field.Declaration.Name, "With" + field.Declaration.Name);
            }

            foreach (var field in fields)
            {
                viewScope.AddField(field);
            }
        }
    }

    private static void CheckAssertions(
        Context context,
        FormatDeclaration format,
        List<CheckedField> common,
        List<(ViewDeclaration Declaration, List<CheckedField> Fields, ulong Reserved)> views,
        ulong presentMask,
        ulong reservedMask,
        List<ConstAssertSpec> asserts)
    {
        // Each name an assertion may use, with its bits and the C# expression of those bits.
        var names = new Dictionary<string, (ulong Bits, string Expression)>
        {
            ["NonPresent"] = (format.NonPresentValue, "NonPresentValue"),
            ["Present"] = (presentMask, "PresentMask"),
            ["Reserved"] = (reservedMask, "ReservedMask"),
        };
        foreach (var field in common)
        {
            names[field.Declaration.Name] = (field.Mask, field.Declaration.Name + "Mask");
        }

        foreach (var special in format.Specials)
        {
            names[special.Name] = (special.Value, special.Name + "Value");
        }

        foreach (var mask in format.Masks)
        {
            names[mask.Name] = (mask.Value, mask.Name + "Mask");
        }

        foreach (var (view, fields, reserved) in views)
        {
            names[view.Name + ".Reserved"] = (reserved, view.Name + ".ReservedMask");
            foreach (var field in fields)
            {
                names[view.Name + "." + field.Declaration.Name] = (field.Mask, view.Name + "." + field.Declaration.Name + "Mask");
            }
        }

        var known = string.Join(", ", names.Keys.OrderBy(static n => n, System.StringComparer.Ordinal));
        foreach (var assertion in format.Assertions)
        {
            var resolved = true;
            if (!names.TryGetValue(assertion.First, out var first))
            {
                context.Report(RuleIdentifiers.AssertionNameUnknown, assertion.FirstLocation ?? assertion.Location, assertion.First, format.Name, known);
                resolved = false;
            }

            var second = default((ulong Bits, string Expression));
            if (assertion.Kind != AssertionKind.Width && !names.TryGetValue(assertion.Second, out second))
            {
                context.Report(RuleIdentifiers.AssertionNameUnknown, assertion.SecondLocation ?? assertion.Location, assertion.Second, format.Name, known);
                resolved = false;
            }

            if (!resolved)
            {
                continue;
            }

            switch (assertion.Kind)
            {
                case AssertionKind.Disjoint when (first.Bits & second.Bits) != 0:
                    context.Report(
                        RuleIdentifiers.AssertionFails,
                        assertion.Location,
                        $"Disjoint(\"{assertion.First}\", \"{assertion.Second}\")",
                        $"'{assertion.First}' ({BitText.Hex(first.Bits)}) and '{assertion.Second}' ({BitText.Hex(second.Bits)}) share {BitText.Bits(first.Bits & second.Bits)}");
                    break;
                case AssertionKind.Disjoint:
                    asserts.Add(new ConstAssertSpec($"{assertion.First} and {assertion.Second} are disjoint", $"({first.Expression} & {second.Expression}) == 0"));
                    break;
                case AssertionKind.Within when (first.Bits & ~second.Bits) != 0:
                    context.Report(
                        RuleIdentifiers.AssertionFails,
                        assertion.Location,
                        $"Within(\"{assertion.First}\", \"{assertion.Second}\")",
                        $"'{assertion.First}' ({BitText.Hex(first.Bits)}) sets {BitText.Bits(first.Bits & ~second.Bits)} outside '{assertion.Second}' ({BitText.Hex(second.Bits)})");
                    break;
                case AssertionKind.Within:
                    asserts.Add(new ConstAssertSpec($"{assertion.First} lies within {assertion.Second}", $"({first.Expression} & ~{second.Expression}) == 0"));
                    break;
                case AssertionKind.Width when BitText.PopCount(first.Bits) != assertion.Bits:
                    context.Report(
                        RuleIdentifiers.AssertionFails,
                        assertion.Location,
                        $"Width(\"{assertion.First}\", {BitText.Int(assertion.Bits)})",
                        $"'{assertion.First}' is {BitText.Int(BitText.PopCount(first.Bits))} bits wide ({BitText.Bits(first.Bits)}), not {BitText.Int(assertion.Bits)}");
                    break;
            }
        }
    }

    /// <summary>A field after its own checks: the mask it occupies and its emitter spec.</summary>
    private sealed record CheckedField(FieldDeclaration Declaration, ulong Mask, FieldSpec Spec, Occupant Occupant);

    /// <summary>Something that takes bits in a view: a field or a reserved run.</summary>
    private sealed record Occupant(string Description, ulong Mask, EquatableArray<BitRun> Runs);

    private sealed class Context(FormatDeclaration format)
    {
        public List<DiagnosticInfo> Diagnostics { get; } = [];

        /// <summary>Set when the declaration cannot be emitted as is; then only stubs are generated.</summary>
        public bool Structural { get; set; }

        public void Report(string id, LocationInfo? location, params string[] arguments) =>
            Diagnostics.Add(new DiagnosticInfo(id, location, arguments.ToEquatableArray()));

        public bool IsIdentifier(string name) =>
            SyntaxFacts.IsValidIdentifier(name) && SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None;

        public void CheckIdentifier(string name, LocationInfo? location, string what)
        {
            if (!IsIdentifier(name))
            {
                Report(RuleIdentifiers.MemberDeclarationInvalid, location, name, $"is not a valid C# identifier for a {what}");
                Structural = true;
            }
        }

        public List<CheckedField> Fields(EquatableArray<FieldDeclaration> declarations)
        {
            var fields = new List<CheckedField>();
            foreach (var field in declarations)
            {
                if (field.DeclarationError is not null)
                {
                    Report(RuleIdentifiers.MemberDeclarationInvalid, field.NameLocation, field.Name, field.DeclarationError);
                    Structural = true;
                    continue;
                }

                var mask = 0UL;
                var runsValid = true;
                foreach (var run in field.Runs)
                {
                    var problem = run.Low < 0 || run.High > 63 || run.Low > 63 || run.High < 0
                        ? "bits must lie within 0..63"
                        : run.Low > run.High ? "the low bit comes first: write the range as low..high" : null;
                    if (problem is not null)
                    {
                        Report(RuleIdentifiers.BitRangeInvalid, run.Location, BitText.Int(run.Low), BitText.Int(run.High), field.Name, problem);
                        Structural = true;
                        runsValid = false;
                        continue;
                    }

                    var runMask = BitText.Mask(run.Low, run.High);
                    if ((mask & runMask) != 0)
                    {
                        Report(
                            RuleIdentifiers.FieldsOverlap,
                            run.Location,
                            "field '" + field.Name + "'",
                            BitText.Bits(runMask),
                            "its own earlier run",
                            BitText.Bits(mask),
                            BitText.Bits(mask & runMask),
                            "format '" + format.Name + "'");
                        Structural = true;
                        runsValid = false;
                    }

                    mask |= runMask;
                }

                if (!runsValid)
                {
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
                    Report(RuleIdentifiers.FieldTypeMismatch, field.TypeLocation ?? field.NameLocation, field.Name, field.TypeName.Replace("global::", string.Empty), BitText.Int(width), BitText.Bits(mask), typeProblem);
                    Structural = true;
                    continue;
                }

                var spec = new FieldSpec(field.Name, field.Modifiers, field.TypeName, field.Kind, field.TypeBits, field.SignedUnderlying, true, mask, width, runs.ToEquatableArray());
                fields.Add(new CheckedField(field, mask, spec, new Occupant("field '" + field.Name + "'", mask, field.Runs)));
            }

            return fields;
        }

        public List<Occupant> Reserved(EquatableArray<BitRun> runs)
        {
            var occupants = new List<Occupant>();
            foreach (var run in runs)
            {
                if (run.Low < 0 || run.High > 63 || run.Low > run.High)
                {
                    Report(RuleIdentifiers.BitRangeInvalid, run.Location, BitText.Int(run.Low), BitText.Int(run.High), "Reserved", run.Low > run.High ? "the low bit comes first: write the range as low..high" : "bits must lie within 0..63");
                    Structural = true;
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
        public void CheckOverlaps(List<Occupant> occupants, int newCount, string scope)
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
                    Report(
                        RuleIdentifiers.FieldsOverlap,
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

        private static string? TypeProblem(FieldDeclaration field, int width) => field.Kind switch
        {
            FieldKind.Unsupported => "only bool, integer and enum properties can hold bits",
            FieldKind.Bool when width != 1 => "bool holds exactly one bit; use an integer or enum type for a run",
            FieldKind.Unsigned or FieldKind.Enum when !field.SignedUnderlying && width > field.TypeBits => $"it holds at most {BitText.Int(field.TypeBits)} bits",
            FieldKind.Signed or FieldKind.Enum when field.SignedUnderlying && width > field.TypeBits - 1 => $"a signed {BitText.Int(field.TypeBits)}-bit type holds at most {BitText.Int(field.TypeBits - 1)} bits without turning negative",
            _ => null,
        };
    }

    /// <summary>The names the generated code declares in one type, and who asked for each.</summary>
    private sealed class NameScope
    {
        private readonly Context _context;
        private readonly Dictionary<string, string> _owners = new(System.StringComparer.Ordinal);

        public NameScope(Context context, string typeName, params string[] generated)
        {
            _context = context;
            _owners[typeName] = "the enclosing type's name";
            foreach (var name in generated)
            {
                _owners[name] = "the generated member '" + name + "'";
            }
        }

        public void AddField(CheckedField field)
        {
            var name = field.Declaration.Name;
            var members = new List<string> { name, name + "Mask", name + "Max", "With" + name };
            if (field.Spec.Runs.Count == 1)
            {
                members.Add(name + "Shift");
            }

            Add("field '" + name + "'", field.Declaration.NameLocation, [.. members]);
        }

        public void Add(string owner, LocationInfo? location, params string[] names)
        {
            foreach (var name in names)
            {
                if (_owners.TryGetValue(name, out var existing))
                {
                    // One report per declaration: a name declared twice clashes in every member
                    // derived from it, and repeating that at one location is noise.
                    var what = names[0] == name ? owner : owner + " (its member '" + name + "')";
                    _context.Report(RuleIdentifiers.NameClash, location, what, existing);
                    _context.Structural = true;
                    return;
                }
                else
                {
                    _owners[name] = owner;
                }
            }
        }
    }
}

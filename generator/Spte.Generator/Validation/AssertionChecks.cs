using System.Collections.Generic;
using System.Linq;
using Spte.Generator.Diagnostics;
using Spte.Generator.Model;

namespace Spte.Generator.Validation;

/// <summary>
/// The user-declared static asserts: <c>[Disjoint]</c> over any number of names, <c>[Within]</c>
/// and <c>[Width]</c> (SPTE0005), over names the format defines (SPTE0009). Each assertion that
/// holds is emitted again as a constant, so the generated code fails to compile if it ever stops
/// holding.
/// </summary>
internal static class AssertionChecks
{
    public static void Check(ValidationContext context, List<CheckedField> common, List<CheckedView> views, ulong presentMask, ulong reservedMask, List<ConstAssertSpec> asserts)
    {
        var names = Names(context.Format, common, views, presentMask, reservedMask);
        foreach (var assertion in context.Format.Assertions)
        {
            var sets = new List<(string Name, BitSet Set)>();
            foreach (var operand in assertion.Operands)
            {
                if (Resolve(context, names, operand, assertion.Location) is { } set)
                {
                    sets.Add((operand.Name, set));
                }
            }

            if (sets.Count != assertion.Operands.Count)
            {
                continue;
            }

            switch (assertion.Kind)
            {
                case AssertionKind.Disjoint:
                    CheckDisjoint(context, assertion, sets, asserts);
                    break;
                case AssertionKind.Within:
                    CheckWithin(context, assertion, sets[0], sets[1], asserts);
                    break;
                case AssertionKind.Width:
                    CheckWidth(context, assertion, sets[0]);
                    break;
            }
        }
    }

    /// <summary>Every pair must be disjoint; each pair that is not is reported, naming the bits it shares.</summary>
    private static void CheckDisjoint(ValidationContext context, AssertionDeclaration assertion, List<(string Name, BitSet Set)> sets, List<ConstAssertSpec> asserts)
    {
        for (var i = 0; i < sets.Count; i++)
        {
            for (var j = i + 1; j < sets.Count; j++)
            {
                var (a, b) = (sets[i], sets[j]);
                var shared = a.Set.Bits & b.Set.Bits;
                if (shared != 0)
                {
                    context.Report(
                        DiagnosticDescriptors.AssertionFails,
                        assertion.Location,
                        Written(assertion),
                        $"'{a.Name}' ({BitText.Hex(a.Set.Bits)}) and '{b.Name}' ({BitText.Hex(b.Set.Bits)}) share {BitText.Bits(shared)}");
                }
                else
                {
                    asserts.Add(new ConstAssertSpec($"{a.Name} and {b.Name} are disjoint", $"({a.Set.Expression} & {b.Set.Expression}) == 0"));
                }
            }
        }
    }

    private static void CheckWithin(ValidationContext context, AssertionDeclaration assertion, (string Name, BitSet Set) inner, (string Name, BitSet Set) outer, List<ConstAssertSpec> asserts)
    {
        var outside = inner.Set.Bits & ~outer.Set.Bits;
        if (outside != 0)
        {
            context.Report(
                DiagnosticDescriptors.AssertionFails,
                assertion.Location,
                Written(assertion),
                $"'{inner.Name}' ({BitText.Hex(inner.Set.Bits)}) sets {BitText.Bits(outside)} outside '{outer.Name}' ({BitText.Hex(outer.Set.Bits)})");
        }
        else
        {
            asserts.Add(new ConstAssertSpec($"{inner.Name} lies within {outer.Name}", $"({inner.Set.Expression} & ~{outer.Set.Expression}) == 0"));
        }
    }

    /// <summary>One width: the number of bits set. Several: the widths of the runs of consecutive bits, lowest first.</summary>
    private static void CheckWidth(ValidationContext context, AssertionDeclaration assertion, (string Name, BitSet Set) named)
    {
        var bits = named.Set.Bits;
        if (assertion.Widths.Count == 1)
        {
            if (BitText.PopCount(bits) != assertion.Widths[0])
            {
                context.Report(
                    DiagnosticDescriptors.AssertionFails,
                    assertion.Location,
                    Written(assertion),
                    $"'{named.Name}' is {BitText.Int(BitText.PopCount(bits))} bits wide ({BitText.Bits(bits)}), not {BitText.Int(assertion.Widths[0])}");
            }

            return;
        }

        var runs = BitText.RunWidths(bits);
        if (!runs.SequenceEqual(assertion.Widths))
        {
            context.Report(
                DiagnosticDescriptors.AssertionFails,
                assertion.Location,
                Written(assertion),
                $"'{named.Name}' is made of runs of {Join(runs)} bits ({BitText.Bits(bits)}), not {Join(assertion.Widths)}");
        }
    }

    /// <summary>
    /// The bits of an operand: one name, or names joined with '|' for their union. Each unknown
    /// name is reported at the argument that holds it.
    /// </summary>
    private static BitSet? Resolve(ValidationContext context, Dictionary<string, BitSet> names, AssertionOperand operand, LocationInfo? assertionLocation)
    {
        var parts = operand.Name.Split('|').Select(static p => p.Trim()).ToList();
        var bits = 0UL;
        var expressions = new List<string>();
        var resolved = true;
        foreach (var part in parts)
        {
            if (names.TryGetValue(part, out var set))
            {
                bits |= set.Bits;
                expressions.Add(set.Expression);
                continue;
            }

            context.Report(
                DiagnosticDescriptors.AssertionNameUnknown,
                operand.Location ?? assertionLocation,
                part,
                context.Format.Name,
                string.Join(", ", names.Keys.OrderBy(static n => n, System.StringComparer.Ordinal)));
            resolved = false;
        }

        return !resolved ? null
            : expressions.Count == 1 ? new BitSet(bits, expressions[0])
            : new BitSet(bits, "(" + string.Join(" | ", expressions) + ")");
    }

    /// <summary>Each name an assertion may use, with its bits and the C# expression of those bits.</summary>
    private static Dictionary<string, BitSet> Names(FormatDeclaration format, List<CheckedField> common, List<CheckedView> views, ulong presentMask, ulong reservedMask)
    {
        var names = new Dictionary<string, BitSet>(System.StringComparer.Ordinal)
        {
            ["NonPresent"] = new(format.NonPresentValue, "NonPresentValue"),
            ["Present"] = new(presentMask, "PresentMask"),
            ["Reserved"] = new(reservedMask, "ReservedMask"),
        };
        foreach (var field in common)
        {
            AddField(names, string.Empty, field);
        }

        foreach (var special in format.Specials)
        {
            names[special.Name] = new(special.Value, special.Name + "Value");
        }

        foreach (var mask in format.Masks)
        {
            names[mask.Name] = new(mask.Value, mask.Name + "Mask");
        }

        foreach (var view in views)
        {
            names[view.Declaration.Name + ".Reserved"] = new(view.Reserved, view.Declaration.Name + ".ReservedMask");
            foreach (var field in view.Fields)
            {
                AddField(names, view.Declaration.Name + ".", field);
            }
        }

        return names;
    }

    /// <summary>
    /// A field's bits, and for an enum-typed field each member that fits, as the bits an entry
    /// holding that value sets there (<c>Leaf.AdType.Enabled</c>).
    /// </summary>
    private static void AddField(Dictionary<string, BitSet> names, string prefix, CheckedField field)
    {
        var name = prefix + field.Declaration.Name;
        names[name] = new(field.Mask, name + "Mask");
        foreach (var member in field.Declaration.EnumMembers.Where(m => m.Value <= BitText.LowMask(field.Spec.Width)))
        {
            var identifier = ValidationContext.IsIdentifier(member.Name) ? member.Name : "@" + member.Name;
            names[name + "." + member.Name] = new(
                BitText.Place(member.Value, field.Spec.Runs),
                BitText.PlaceExpression("(ulong)" + field.Declaration.TypeName + "." + identifier, field.Spec.Runs));
        }
    }

    /// <summary>The assertion as the user wrote it, for messages: <c>Disjoint("A", "B | C")</c>.</summary>
    private static string Written(AssertionDeclaration assertion) =>
        assertion.Kind + "(" + string.Join(", ", assertion.Operands.Select(static o => "\"" + o.Name + "\"").Concat(assertion.Widths.Select(BitText.Int))) + ")";

    private static string Join(IEnumerable<int> widths) => string.Join(", ", widths.Select(BitText.Int));

    /// <summary>A set of bits and the C# expression that computes it in the generated code.</summary>
    private sealed record BitSet(ulong Bits, string Expression);
}

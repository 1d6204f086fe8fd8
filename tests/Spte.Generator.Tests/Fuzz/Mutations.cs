using System;
using System.Linq;

namespace Spte.Generator.Tests.Fuzz;

/// <summary>
/// One way to break a valid format, and the diagnostic that must then appear. Each is built so
/// that, applied alone, it breaks exactly one rule (assertions it would also falsify are
/// dropped), so the test can demand exactly its diagnostic. <c>CompilesCleanly</c>: the C# is
/// still well-formed, so the generator's output must not add any compiler error.
/// </summary>
internal sealed record Mutation(string Name, string Id, bool CompilesCleanly, Func<FormatModel, Recipe, string, FormatModel?> Apply)
{
    private static readonly string[] GeneratedMemberNames = ["Raw", "IsPresent", "NewTable", "ReservedBits", "FromRaw"];

    private static readonly string[] UnsupportedTypes = ["string", "float", "char", "decimal", "object"];

    private static readonly string[] BadIdentifiers = ["1st", "class", "a b", "", "Frozen-Spte"];

    public static readonly Mutation[] All =
    [
        new("non-present value sets a present bit", "SPTE0001", true, static (f, r, _) =>
            f.PresentMask == 0 ? null : Without(f, "NonPresent") with { NonPresent = f.NonPresent | LowestBit(f.PresentMask) }),
        new("two fields overlap", "SPTE0002", true, static (f, r, name) =>
            AddField(f, new FieldModel(name, TypeModel.Bool, [BitOf(r, r.Pick(Original(f)).Mask)], false))),
        new("reserved bits overlap a field", "SPTE0002", true, static (f, r, _) =>
            Without(f, "Reserved") with { Reserved = [.. f.Reserved, BitOf(r, Original(f)[0].Mask)] }),
        new("view field overlaps a common field", "SPTE0002", true, static (f, r, name) =>
            f.Views.FirstOrDefault(static v => v.Partial) is not { } view || f.PresentMask == 0 ? null : f with
            {
                Views = [.. f.Views.Select(v => v != view ? v : v with { Fields = [.. v.Fields, new FieldModel(name, TypeModel.Bool, [BitOf(r, f.PresentMask)], false)] })],
            }),
        new("split field overlaps itself", "SPTE0002", true, static (f, r, name) =>
        {
            var low = r.Between(0, 62);
            return AddField(f, new FieldModel(name, TypeModel.Integers[0], [(low, low + 1), (low + 1, low + 1)], false));
        }),
        new("bit range outside 0..63", "SPTE0003", true, static (f, r, name) =>
            AddField(f, new FieldModel(name, TypeModel.Integers[0], [r.Pick(new[] { (60, 64), (-1, 2), (64, 64), (70, 71), (-3, -3) })], false))),
        new("reversed bit range", "SPTE0003", true, static (f, r, name) =>
        {
            var high = r.Between(1, 63);
            return AddField(f, new FieldModel(name, TypeModel.Integers[0], [(high, r.Between(0, high - 1))], false));
        }),
        new("reserved range outside 0..63", "SPTE0003", true, static (f, r, _) =>
            f with { Reserved = [.. f.Reserved, r.Pick(new[] { (62, 64), (-2, 0), (64, 64) })] }),
        new("bool on a run", "SPTE0007", true, static (f, r, name) =>
        {
            var low = r.Between(0, 60);
            return AddField(f, new FieldModel(name, TypeModel.Bool, [(low, low + r.Between(1, 3))], false));
        }),
        new("integer too narrow", "SPTE0007", true, static (f, r, name) =>
            r.Chance(50)
                ? AddField(f, new FieldModel(name, TypeModel.Integers[0], [(0, r.Between(8, 20))], false))
                : AddField(f, new FieldModel(name, TypeModel.Integers[4], [(10, 17)], false))),
        new("type that cannot hold bits", "SPTE0007", true, static (f, r, name) =>
            AddField(f, new FieldModel(name, new TypeModel(r.Pick(UnsupportedTypes), 0, false, TypeKind.Unsupported), [(5, 5)], false))),
        new("special value sets a present bit", "SPTE0004", true, static (f, r, name) =>
            f.PresentMask == 0 ? null : f with { Specials = [.. f.Specials, new NamedValue(name, r.NextULong() | LowestBit(f.PresentMask))] }),
        new("special value equals the non-present value", "SPTE0012", true, static (f, _, name) =>
            f with { Specials = [.. f.Specials, new NamedValue(name, f.NonPresent)] }),
        new("two special values are equal", "SPTE0012", true, static (f, _, name) =>
            f.Specials.Length == 0 ? null : f with { Specials = [.. f.Specials, new NamedValue(name, f.Specials[0].Value)] }),
        new("mask named like a field", "SPTE0010", true, static (f, r, _) =>
            Unreferenced(f, Original(f).Select(static x => x.Name)) is { } field
                ? f with { Masks = [.. f.Masks, new NamedValue(field, r.NextULong())] }
                : null),
        new("special value named like a field", "SPTE0010", true, static (f, r, _) =>
            Unreferenced(f, Original(f).Select(static x => x.Name)) is { } field
                ? f with { Specials = [.. f.Specials, new NamedValue(field, FreshValue(f, r))] }
                : null),
        new("two special values share a name", "SPTE0010", true, static (f, r, _) =>
            Unreferenced(f, f.Specials.Select(static x => x.Name)) is { } special
                ? f with { Specials = [.. f.Specials, new NamedValue(special, FreshValue(f, r))] }
                : null),
        new("field named like a generated member", "SPTE0010", true, static (f, r, _) =>
            GeneratedMemberNames.Where(n => f.Fields.All(x => x.Name != n)).ToList() is { Count: > 0 } names
                ? AddFieldOnFreeBit(f, new FieldModel(r.Pick(names), TypeModel.Bool, [], false))
                : null),
        new("assertion names something undefined", "SPTE0009", true, static (f, r, _) =>
            f with
            {
                Assertions = [.. f.Assertions, r.Pick(new[]
                {
                    new AssertionModel(AssertionKind.Disjoint, "Nope", "Present"),
                    new AssertionModel(AssertionKind.Width, "NoView.Field", string.Empty, 1),
                    new AssertionModel(AssertionKind.Within, "Present", "present"),
                })],
            }),
        new("assertion does not hold", "SPTE0005", true, static (f, r, _) =>
        {
            if (f.PresentMask == 0)
            {
                return null;
            }

            var field = r.Pick(Original(f));
            var broken = r.Pick(new[]
            {
                new AssertionModel(AssertionKind.Disjoint, field.Name, field.Name),
                new AssertionModel(AssertionKind.Width, field.Name, string.Empty, Bits.Count(field.Mask) + 1),
                new AssertionModel(AssertionKind.Within, "Present", "NonPresent"),
            });
            return f with { Assertions = [.. f.Assertions, broken] };
        }),
        new("no present bit", "SPTE0008", true, static (f, _, _) =>
            Without(f, "Present") with { Fields = [.. f.Fields.Select(static x => x.Runs.Length == 0 ? x : x with { Present = false })] }),
        new("format is not a non-generic partial struct", "SPTE0006", false, static (f, r, _) =>
            f with { Declaration = r.Pick(new[] { DeclarationKind.Class, DeclarationKind.NotPartial, DeclarationKind.Generic, DeclarationKind.RecordStruct, DeclarationKind.RefStruct }) }),
        new("containing type is not partial", "SPTE0006", false, static (f, _, _) =>
            f with { Container = f.Container ?? "Box" + f.Index, ContainerPartial = false }),
        new("[Present] on a view field", "SPTE0011", true, static (f, _, _) => PresentOnViewField(f)),
        new("property with a setter", "SPTE0011", false, static (f, _, name) =>
            AddField(f, new FieldModel(name, TypeModel.Bool, [(1, 1)], false), PropertyShape.Setter)),
        new("property that is not partial", "SPTE0011", true, static (f, _, name) =>
            AddField(f, new FieldModel(name, TypeModel.Bool, [(1, 1)], false), PropertyShape.NotPartial)),
        new("static property", "SPTE0011", true, static (f, _, name) =>
            AddField(f, new FieldModel(name, TypeModel.Bool, [(1, 1)], false), PropertyShape.Static)),
        new("[Present] without bits", "SPTE0011", true, static (f, _, name) =>
            AddField(f, new FieldModel(name, TypeModel.Bool, [], true))),
        new("special value name is not an identifier", "SPTE0011", true, static (f, r, _) =>
            f with { Specials = [.. f.Specials, new NamedValue(r.Pick(BadIdentifiers), FreshValue(f, r))] }),
        new("mask name is not an identifier", "SPTE0011", true, static (f, r, _) =>
            f with { Masks = [.. f.Masks, new NamedValue(r.Pick(BadIdentifiers), r.NextULong())] }),
        new("view is not partial", "SPTE0011", true, static (f, _, name) =>
            f with { Views = [.. f.Views, new ViewModel(name, [], [], Partial: false)] }),
        new("view outside a format", "SPTE0011", true, static (f, _, _) =>
            f with { OrphanView = true }),
    ];

    /// <summary>Marks an unreferenced field of the first view that has one [Present], where [Present] does not belong.</summary>
    private static FormatModel? PresentOnViewField(FormatModel format)
    {
        foreach (var view in format.Views.Where(static v => v.Partial))
        {
            if (Unreferenced(format, view.Fields.Select(x => view.Name + "." + x.Name)) is { } qualified)
            {
                var name = qualified[(view.Name.Length + 1)..];
                var marked = view with { Fields = [.. view.Fields.Select(x => x.Name == name ? x with { Present = true } : x)] };
                return format with { Views = [.. format.Views.Select(v => v == view ? marked : v)] };
            }
        }

        return null;
    }

    /// <summary>Adds a one-bit field on a bit nothing else takes, so that only its name can be wrong.</summary>
    private static FormatModel? AddFieldOnFreeBit(FormatModel format, FieldModel field)
    {
        var used = Used(format);
        var free = Enumerable.Range(0, 64).Where(b => (used & (1UL << b)) == 0).ToList();
        return free.Count == 0 ? null : AddField(format, field with { Runs = [(free[0], free[0])] });
    }

    private static FormatModel AddField(FormatModel format, FieldModel field, PropertyShape shape = PropertyShape.Normal) =>
        format with { Fields = [.. format.Fields, field with { Shape = shape }] };

    /// <summary>The fields the valid format was built with (named Fld*), not those a mutation added.</summary>
    private static System.Collections.Generic.List<FieldModel> Original(FormatModel format) =>
        [.. format.Fields.Where(static x => x.Name.StartsWith("Fld", StringComparison.Ordinal))];

    /// <summary>Every bit a field or reserved run takes in the format or any view.</summary>
    private static ulong Used(FormatModel format) =>
        format.Fields.Concat(format.Views.SelectMany(static v => v.Fields)).Aggregate(0UL, static (m, f) => m | f.Mask)
        | format.Views.Aggregate(format.ReservedMask, (m, v) => m | format.ViewReservedMask(v));

    private static ulong LowestBit(ulong mask) => mask & (~mask + 1);

    private static (int, int) BitOf(Recipe recipe, ulong mask)
    {
        var bits = Enumerable.Range(0, 64).Where(b => (mask & (1UL << b)) != 0).ToList();
        var bit = recipe.Pick(bits);
        return (bit, bit);
    }

    /// <summary>
    /// A value no special value or the non-present value has, setting no present bit: a random
    /// one, or else the first free value counted in the bits that are not present bits.
    /// </summary>
    private static ulong FreshValue(FormatModel format, Recipe recipe)
    {
        var taken = format.Specials.Select(static s => s.Value).Append(format.NonPresent).ToHashSet();
        var value = recipe.NextULong() & ~format.PresentMask;
        for (var count = 1UL; taken.Contains(value); count++)
        {
            value = Deposit(count, ~format.PresentMask);
        }

        return value;
    }

    /// <summary>The low bits of <paramref name="value"/> placed, in order, on the set bits of <paramref name="mask"/>.</summary>
    private static ulong Deposit(ulong value, ulong mask)
    {
        var result = 0UL;
        for (var bit = 0; bit < 64 && value != 0; bit++)
        {
            if ((mask & (1UL << bit)) != 0)
            {
                result |= (value & 1) << bit;
                value >>= 1;
            }
        }

        return result;
    }

    /// <summary>The first of <paramref name="names"/> no assertion uses: renaming or shadowing it changes no assertion.</summary>
    private static string? Unreferenced(FormatModel format, System.Collections.Generic.IEnumerable<string> names) =>
        names.FirstOrDefault(n => !format.Assertions.Any(a => a.First == n || a.Second == n));

    /// <summary>The format without the assertions that use a name whose bits the mutation changes.</summary>
    private static FormatModel Without(FormatModel format, string changed) =>
        format with { Assertions = [.. format.Assertions.Where(a => !Uses(a, changed))] };

    private static bool Uses(AssertionModel assertion, string changed) =>
        assertion.First == changed || assertion.Second == changed
        || (changed == "Reserved" && (assertion.First.EndsWith(".Reserved", StringComparison.Ordinal) || assertion.Second.EndsWith(".Reserved", StringComparison.Ordinal)));
}

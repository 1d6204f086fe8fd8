using System.Collections.Generic;
using System.Linq;

namespace Spte.Generator.Tests.Fuzz;

/// <summary>
/// Builds a random format that breaks no rule: runs placed on free bits only, types wide
/// enough, present bits avoided by the non-present and special values, names that cannot clash,
/// and assertions chosen among those that hold.
/// </summary>
internal static class ValidFormats
{
    public static FormatModel Build(Recipe recipe, int index)
    {
        var enums = new List<EnumModel>();
        var used = 0UL;
        var fields = new List<FieldModel>();
        var fieldCount = recipe.Between(1, 5);
        for (var i = 0; i < fieldCount; i++)
        {
            if (NewField(recipe, index, "Fld" + i, ref used, enums) is { } field)
            {
                fields.Add(field);
            }
        }

        if (fields.Count == 0)
        {
            fields.Add(new FieldModel("Fld0", TypeModel.Bool, [(0, 0)], Present: true));
            used |= 1;
        }

        // At least one present field; sometimes two, sometimes a multi-bit one.
        var presentCount = recipe.Chance(20) ? 2 : 1;
        for (var i = 0; i < presentCount && i < fields.Count; i++)
        {
            var at = recipe.Next(fields.Count);
            fields[at] = fields[at] with { Present = true };
        }

        if (!fields.Any(static f => f.Present))
        {
            fields[0] = fields[0] with { Present = true };
        }

        var reserved = FreeRuns(recipe, recipe.Chance(30) ? recipe.Between(1, 2) : 0, ref used);
        var views = new List<ViewModel>();
        var viewCount = recipe.Chance(40) ? recipe.Between(1, 2) : 0;
        for (var v = 0; v < viewCount; v++)
        {
            var viewUsed = used;
            var viewFields = new List<FieldModel>();
            var count = recipe.Between(0, 3);
            for (var i = 0; i < count; i++)
            {
                if (NewField(recipe, index, $"V{v}f{i}", ref viewUsed, enums) is { } field)
                {
                    viewFields.Add(field);
                }
            }

            views.Add(new ViewModel("View" + v, [.. viewFields], FreeRuns(recipe, recipe.Chance(40) ? 1 : 0, ref viewUsed)));
        }

        var presentMask = fields.Where(static f => f.Present).Aggregate(0UL, static (m, f) => m | f.Mask);
        var nonPresent = recipe.Next(3) switch
        {
            0 => 0UL,
            1 => (1UL << 63) & ~presentMask,
            _ => recipe.NextULong() & ~presentMask,
        };
        var taken = new HashSet<ulong> { nonPresent };
        var specials = new List<NamedValue>();
        var specialCount = recipe.Chance(40) ? recipe.Between(1, 2) : 0;
        for (var i = 0; i < specialCount; i++)
        {
            var value = recipe.NextULong() & ~presentMask;
            if (taken.Add(value))
            {
                specials.Add(new NamedValue("Sp" + i, value));
            }
        }

        var masks = Enumerable.Range(0, recipe.Chance(30) ? recipe.Between(1, 2) : 0)
            .Select(i => new NamedValue("Mk" + i, recipe.NextULong()))
            .ToArray();
        var format = new FormatModel(
            index,
            recipe.Chance(80) ? "Fuzz.N" + recipe.Next(3) : null,
            recipe.Chance(20) ? "Box" + index : null,
            ContainerPartial: true,
            DeclarationKind.PartialStruct,
            nonPresent,
            [.. fields],
            [.. specials],
            masks,
            reserved,
            [.. views],
            [],
            [.. enums]);
        return format with { Assertions = Assertions(recipe, format) };
    }

    /// <summary>A field on free bits with a type that holds it, or null when the word is too full.</summary>
    public static FieldModel? NewField(Recipe recipe, int index, string name, ref ulong used, List<EnumModel> enums)
    {
        var kind = recipe.Next(10) switch
        {
            < 4 => TypeKind.Bool,
            < 8 => TypeKind.Integer,
            _ => TypeKind.Enum,
        };
        var width = kind == TypeKind.Bool ? 1 : recipe.Chance(10) ? recipe.Between(17, 40) : recipe.Between(1, 16);
        var split = kind != TypeKind.Bool && width >= 2 && recipe.Chance(25);
        var widths = split ? new[] { recipe.Between(1, width - 1) } : [width];
        if (split)
        {
            widths = [widths[0], width - widths[0]];
        }

        var runs = new List<(int, int)>();
        foreach (var w in widths)
        {
            if (FreeRun(recipe, w, used) is not { } run)
            {
                return null;
            }

            runs.Add(run);
            used |= Bits.Mask(run.Low, run.High);
        }

        var type = kind switch
        {
            TypeKind.Bool => TypeModel.Bool,
            TypeKind.Integer => recipe.Pick(TypeModel.Integers.Where(t => t.Capacity >= width).ToList()),
            _ => NewEnum(recipe, index, width, enums),
        };
        return new FieldModel(name, type, [.. runs], Present: false);
    }

    private static TypeModel NewEnum(Recipe recipe, int index, int width, List<EnumModel> enums)
    {
        var underlying = recipe.Pick(TypeModel.Integers.Where(t => t.Capacity >= width).ToList());
        var max = (long)System.Math.Min(Bits.Low(width), (ulong)long.MaxValue);
        var name = $"Fz{index}E{enums.Count}";
        enums.Add(new EnumModel(name, underlying.Name, [0, max]));
        return new TypeModel(name, underlying.Bits, underlying.Signed, TypeKind.Enum, underlying.Name);
    }

    /// <summary>A run of <paramref name="width"/> free bits at a random start, if there is one.</summary>
    private static (int Low, int High)? FreeRun(Recipe recipe, int width, ulong used)
    {
        var starts = Enumerable.Range(0, 65 - width).Where(s => (Bits.Mask(s, s + width - 1) & used) == 0).ToList();
        if (starts.Count == 0)
        {
            return null;
        }

        var start = recipe.Pick(starts);
        return (start, start + width - 1);
    }

    private static (int Low, int High)[] FreeRuns(Recipe recipe, int count, ref ulong used)
    {
        var runs = new List<(int, int)>();
        for (var i = 0; i < count; i++)
        {
            if (FreeRun(recipe, recipe.Between(1, 4), used) is { } run)
            {
                runs.Add(run);
                used |= Bits.Mask(run.Low, run.High);
            }
        }

        return [.. runs];
    }

    /// <summary>Up to three assertions, each of a kind that holds for the two names drawn.</summary>
    private static AssertionModel[] Assertions(Recipe recipe, FormatModel format)
    {
        var names = format.AssertionNames().OrderBy(static n => n.Key, System.StringComparer.Ordinal).ToList();
        var assertions = new List<AssertionModel>();
        var count = recipe.Chance(40) ? recipe.Between(1, 3) : 0;
        for (var i = 0; i < count; i++)
        {
            var (first, firstBits) = recipe.Pick(names);
            var (second, secondBits) = recipe.Pick(names);
            assertions.Add(
                (firstBits & secondBits) == 0 ? new AssertionModel(AssertionKind.Disjoint, first, second)
                : (firstBits & ~secondBits) == 0 ? new AssertionModel(AssertionKind.Within, first, second)
                : new AssertionModel(AssertionKind.Width, first, string.Empty, Bits.Count(firstBits)));
        }

        return [.. assertions];
    }
}

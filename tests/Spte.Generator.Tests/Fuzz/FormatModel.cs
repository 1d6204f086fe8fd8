using System.Collections.Generic;
using System.Linq;

namespace Spte.Generator.Tests.Fuzz;

internal enum TypeKind
{
    Bool,
    Integer,
    Enum,
    Unsupported,
}

/// <summary>A property type: its C# name, size, signedness, and for an enum its underlying type.</summary>
internal sealed record TypeModel(string Name, int Bits, bool Signed, TypeKind Kind, string? Underlying = null)
{
    public static readonly TypeModel Bool = new("bool", 1, false, TypeKind.Bool);

    public static readonly TypeModel[] Integers =
    [
        new("byte", 8, false, TypeKind.Integer), new("ushort", 16, false, TypeKind.Integer),
        new("uint", 32, false, TypeKind.Integer), new("ulong", 64, false, TypeKind.Integer),
        new("sbyte", 8, true, TypeKind.Integer), new("short", 16, true, TypeKind.Integer),
        new("int", 32, true, TypeKind.Integer), new("long", 64, true, TypeKind.Integer),
    ];

    /// <summary>How many bits of a field the type holds: a signed type must not turn negative.</summary>
    public int Capacity => Kind == TypeKind.Bool ? 1 : Signed ? Bits - 1 : Bits;
}

/// <summary>How the property is declared; anything but <see cref="Normal"/> is an SPTE0011.</summary>
internal enum PropertyShape
{
    Normal,
    Setter,
    NotPartial,
    Static,
}

/// <summary>A field: its runs in declaration order (the first holds the value's lowest bits).</summary>
internal sealed record FieldModel(string Name, TypeModel Type, (int Low, int High)[] Runs, bool Present, PropertyShape Shape = PropertyShape.Normal)
{
    public ulong Mask => Runs.Aggregate(0UL, static (mask, run) => mask | Bits.Mask(run.Low, run.High));

    public int Width => Runs.Sum(static r => r.High - r.Low + 1);
}

internal sealed record ViewModel(string Name, FieldModel[] Fields, (int Low, int High)[] Reserved, bool Partial = true);

internal sealed record NamedValue(string Name, ulong Value);

internal enum AssertionKind
{
    Disjoint,
    Within,
    Width,
}

internal sealed record AssertionModel(AssertionKind Kind, string First, string Second, int Bits = 0);

internal sealed record EnumModel(string Name, string Underlying, long[] Values);

/// <summary>How the format type itself is declared; anything but <see cref="PartialStruct"/> is an SPTE0006.</summary>
internal enum DeclarationKind
{
    PartialStruct,
    Class,
    NotPartial,
    Generic,
    RecordStruct,
    RefStruct,
}

/// <summary>One random format, valid or not, named <c>Fz{Index}</c> so many fit in one compilation.</summary>
internal sealed record FormatModel(
    int Index,
    string? Namespace,
    string? Container,
    bool ContainerPartial,
    DeclarationKind Declaration,
    ulong NonPresent,
    FieldModel[] Fields,
    NamedValue[] Specials,
    NamedValue[] Masks,
    (int Low, int High)[] Reserved,
    ViewModel[] Views,
    AssertionModel[] Assertions,
    EnumModel[] Enums,
    bool OrphanView = false)
{
    public string Name => "Fz" + Index;

    public string FilePath => $"Spec{Index}.cs";

    /// <summary>The runtime name: namespace, then containing type and format joined by '+'.</summary>
    public string TypeName => (Namespace is null ? string.Empty : Namespace + ".") + (Container is null ? string.Empty : Container + "+") + Name;

    public string EnumTypeName(string name) => (Namespace is null ? string.Empty : Namespace + ".") + name;

    public ulong PresentMask => Fields.Where(static f => f.Present).Aggregate(0UL, static (m, f) => m | f.Mask);

    public ulong ReservedMask => Reserved.Aggregate(0UL, static (m, r) => m | Bits.Mask(r.Low, r.High));

    public ulong ViewReservedMask(ViewModel view) => view.Reserved.Aggregate(ReservedMask, static (m, r) => m | Bits.Mask(r.Low, r.High));

    /// <summary>The names an assertion may use, with their bits, as the format language defines them.</summary>
    public Dictionary<string, ulong> AssertionNames()
    {
        var names = new Dictionary<string, ulong>
        {
            ["NonPresent"] = NonPresent,
            ["Present"] = PresentMask,
            ["Reserved"] = ReservedMask,
        };
        foreach (var field in Fields)
        {
            names[field.Name] = field.Mask;
        }

        foreach (var special in Specials)
        {
            names[special.Name] = special.Value;
        }

        foreach (var mask in Masks)
        {
            names[mask.Name] = mask.Value;
        }

        foreach (var view in Views)
        {
            names[view.Name + ".Reserved"] = ViewReservedMask(view);
            foreach (var field in view.Fields)
            {
                names[view.Name + "." + field.Name] = field.Mask;
            }
        }

        return names;
    }
}

/// <summary>Plain bit arithmetic for the reference model, written independently of the generator's.</summary>
internal static class Bits
{
    public static ulong Mask(int low, int high) => Low(high - low + 1) << low;

    public static ulong Low(int width) => width >= 64 ? ulong.MaxValue : (1UL << width) - 1;

    public static int Count(ulong value) => System.Numerics.BitOperations.PopCount(value);
}

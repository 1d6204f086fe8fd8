using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Spte.Generator.Tests.Fuzz;

/// <summary>
/// What a generated format must do, computed the plain way: mask and shift each run, and the
/// decoding text built field by field. The generated code is checked against this.
/// </summary>
internal static class ReferenceModel
{
    /// <summary>The field's value in <paramref name="raw"/>: its runs' bits, the first run lowest.</summary>
    public static ulong Read(FieldModel field, ulong raw)
    {
        ulong value = 0;
        var shift = 0;
        foreach (var (low, high) in field.Runs)
        {
            var width = high - low + 1;
            value |= ((raw >> low) & Bits.Low(width)) << shift;
            shift += width;
        }

        return value;
    }

    /// <summary><paramref name="raw"/> with the field set to <paramref name="value"/>, which must fit.</summary>
    public static ulong Write(FieldModel field, ulong raw, ulong value)
    {
        var result = raw & ~field.Mask;
        var shift = 0;
        foreach (var (low, high) in field.Runs)
        {
            var width = high - low + 1;
            result |= ((value >> shift) & Bits.Low(width)) << low;
            shift += width;
        }

        return result;
    }

    /// <summary>A field value as the property's CLR type, boxed, so it compares with what the getter returns.</summary>
    public static object Typed(TypeModel type, ulong value, Func<string, Type> enumType) => type.Kind switch
    {
        TypeKind.Bool => value != 0,
        TypeKind.Enum => Enum.ToObject(enumType(type.Name), Integer(type.Underlying!, value)),
        _ => Integer(type.Name, value),
    };

    /// <summary>A negative value of the type (for signed types), which With must reject.</summary>
    public static object Negative(TypeModel type, Func<string, Type> enumType) =>
        type.Kind == TypeKind.Enum ? Enum.ToObject(enumType(type.Name), Integer(type.Underlying!, ulong.MaxValue)) : Integer(type.Name, ulong.MaxValue);

    public static string FormatText(FormatModel format, ulong raw, Func<string, Type> enumType)
    {
        if (raw == format.NonPresent)
        {
            return $"{format.Name}.NonPresent (0x{Hex16(raw)})";
        }

        if (format.Specials.FirstOrDefault(s => s.Value == raw) is { } special)
        {
            return $"{format.Name}.{special.Name} (0x{Hex16(raw)})";
        }

        return Decoded(format.Name, raw, format.Fields, enumType, reservedBits: null);
    }

    public static string ViewText(FormatModel format, ViewModel view, ulong raw, Func<string, Type> enumType) =>
        Decoded(format.Name + "." + view.Name, raw, [.. format.Fields, .. view.Fields], enumType, raw & format.ViewReservedMask(view));

    private static string Decoded(string name, ulong raw, IEnumerable<FieldModel> fields, Func<string, Type> enumType, ulong? reservedBits)
    {
        var parts = new List<string>();
        foreach (var field in fields)
        {
            var value = Read(field, raw);
            if (value == 0)
            {
                continue;
            }

            parts.Add(field.Type.Kind switch
            {
                TypeKind.Bool => field.Name,
                TypeKind.Enum => field.Name + " = " + Typed(field.Type, value, enumType),
                _ => field.Name + " = 0x" + value.ToString("X", CultureInfo.InvariantCulture),
            });
        }

        if (reservedBits is { } bits and not 0)
        {
            parts.Add("reserved bits set 0x" + bits.ToString("X", CultureInfo.InvariantCulture));
        }

        return $"{name} 0x{Hex16(raw)} {{ {string.Join(", ", parts)}{(parts.Count == 0 ? "}" : " }")}";
    }

    private static string Hex16(ulong value) => value.ToString("X16", CultureInfo.InvariantCulture);

    private static object Integer(string type, ulong value) => type switch
    {
        "byte" => (byte)value,
        "ushort" => (ushort)value,
        "uint" => (uint)value,
        "ulong" => value,
        "sbyte" => unchecked((sbyte)value),
        "short" => unchecked((short)value),
        "int" => unchecked((int)value),
        "long" => unchecked((long)value),
        _ => throw new ArgumentException("not an integer type: " + type, nameof(type)),
    };
}

using System;
using System.Globalization;
using Spte.Cli.Model;

namespace Spte.Cli.Decoding;

/// <summary>Writes a field's value the way its property type reads it.</summary>
internal static class FieldValueText
{
    /// <summary>"true", "WriteBack (6)", "0xABC (2748)" or "5".</summary>
    public static string Format(FieldModel field, ulong value)
    {
        var type = field.ValueType;
        if (type == typeof(bool))
        {
            return value != 0 ? "true" : "false";
        }

        if (type.IsEnum)
        {
            var name = Enum.GetName(type, Enum.ToObject(type, value));
            var number = value.ToString(CultureInfo.InvariantCulture);
            return name is null ? $"{number} (not a {type.Name} member)" : $"{name} ({number})";
        }

        return value < 10
            ? value.ToString(CultureInfo.InvariantCulture)
            : "0x" + value.ToString("X", CultureInfo.InvariantCulture) + " (" + value.ToString(CultureInfo.InvariantCulture) + ")";
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace Spte.ZeroCost;

/// <summary>
/// Calls every probe of <see cref="ProbeCatalog"/> and each of its twins on the same entries and
/// values and reports where they disagree, so a twin whose listing wins is never a wrong twin.
/// Entries and tables are built from raw values; a value argument is tried at several sizes, and
/// where the generated member throws (out of range) the twin must throw the same exception.
/// </summary>
public static class IdiomValueCheck
{
    private const int Entries = 512;

    private static readonly ulong[] Raws =
        [0x7FF0_0012_3456_7FF3, 1UL << 63, 0, 0x5a0, 0xDEAD_BEEF_CAFE_F00D, (1UL << 63) | 0x5a0, 0x6000_0000_0000_0301];

    private static readonly ulong[] Values = [0, 1, 2, 5, 0x5A, 0x5A5A5, 0xABCDE, 0xF_FFFF_FFFF_FFFF, ulong.MaxValue];

    /// <summary>One line per disagreement; empty when every twin computes what its probe does.</summary>
    public static IReadOnlyList<string> Mismatches()
    {
        var mismatches = new List<string>();
        foreach (var comparison in ProbeCatalog.All)
        {
            foreach (var raw in Raws)
            {
                foreach (var value in Values)
                {
                    var expected = Call(comparison.Generated.Method, raw, value);
                    foreach (var twin in comparison.Twins)
                    {
                        var actual = Call(twin.Method, raw, value);
                        if (expected != actual)
                        {
                            mismatches.Add($"{comparison.Name} vs {twin.ListingName} (raw 0x{raw:X}, value 0x{value:X}): {expected} against {actual}");
                        }
                    }
                }
            }
        }

        return mismatches;
    }

    /// <summary>The result as text: a number, or the exception's type.</summary>
    private static string Call(MethodInfo method, ulong raw, ulong value)
    {
        var parameters = method.GetParameters();
        var args = new object?[parameters.Length];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = i == 0 ? Entry(parameters[0].ParameterType, raw) : Value(parameters[i].ParameterType, value);
        }

        try
        {
            var result = method.Invoke(null, args);
            return method.ReturnType == typeof(void) ? Number(args[0]) : Number(result);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            // The type only: a twin may put the value into the message differently (zero- or sign-extended).
            return e.InnerException.GetType().Name;
        }
    }

    /// <summary>The first argument: an entry (a format, a view or a bare value), a table of them, or a table size.</summary>
    private static object Entry(Type type, ulong raw)
    {
        if (type == typeof(int))
        {
            return Entries;
        }

        if (type.IsArray)
        {
            var element = type.GetElementType()!;
            var table = Array.CreateInstance(element, Entries);
            for (var i = 0; i < Entries; i++)
            {
                // A mix of the raw value, entries with the index in the frame bits, and zeros.
                table.SetValue(Entry(element, (i % 3) switch { 0 => raw, 1 => (ulong)i << 12 | 0x801, _ => 0 }), i);
            }

            return table;
        }

        return type == typeof(ulong) ? raw : type.GetMethod("FromRaw", [typeof(ulong)])!.Invoke(null, [raw])!;
    }

    private static object Value(Type type, ulong value) => type switch
    {
        _ when type == typeof(bool) => value % 2 == 1,
        _ when type == typeof(ulong) => value,
        _ when type == typeof(uint) => unchecked((uint)value),
        { IsEnum: true } => Enum.ToObject(type, unchecked((long)value)),
        _ => throw new NotSupportedException("no value of type " + type),
    };

    /// <summary>An entry, a table, a bool, an enum or a number, as one number (a table: a hash of its raw values).</summary>
    private static string Number(object? result) => result switch
    {
        null => "null",
        bool b => b ? "1" : "0",
        Enum e => Convert.ToInt64(e, System.Globalization.CultureInfo.InvariantCulture).ToString("X", System.Globalization.CultureInfo.InvariantCulture),
        ulong u => u.ToString("X", System.Globalization.CultureInfo.InvariantCulture),
        uint u => u.ToString("X", System.Globalization.CultureInfo.InvariantCulture),
        int i => i.ToString("X", System.Globalization.CultureInfo.InvariantCulture),
        Array a => a.Cast<object>().Aggregate(17UL, static (hash, entry) => unchecked((hash * 31) + ulong.Parse(Number(entry), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture))).ToString("X", System.Globalization.CultureInfo.InvariantCulture),
        _ => Number(result.GetType().GetProperty("Raw")!.GetValue(result)),
    };
}

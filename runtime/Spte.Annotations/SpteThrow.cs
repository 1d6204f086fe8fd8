using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;

namespace Spte;

/// <summary>Throw helpers for generated code; kept out of line so accessors stay small enough to inline.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SpteThrow
{
    /// <summary>Throws because <paramref name="value"/> does not fit field <paramref name="field"/>.</summary>
    [DoesNotReturn]
    public static void FieldOutOfRange(string field, ulong value, ulong max) =>
        throw new ArgumentOutOfRangeException(
            "value",
            value,
            $"Value 0x{value:x} does not fit field {field}, whose largest value is 0x{max:x}.");

    /// <summary>Throws because a table size is negative.</summary>
    [DoesNotReturn]
    public static void NegativeTableSize(int entries) =>
        throw new ArgumentOutOfRangeException(
            nameof(entries),
            entries,
            "A table needs a non-negative number of entries.");
}

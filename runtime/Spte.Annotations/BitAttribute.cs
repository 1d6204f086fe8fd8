using System;

namespace Spte;

/// <summary>
/// Places a field of an entry format on one bit. Apply it to a <c>partial</c> get-only
/// property. Several <see cref="BitAttribute"/>/<see cref="BitsAttribute"/> on one property
/// make a split field; the first one listed holds the value's lowest bits.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class BitAttribute : Attribute
{
    /// <summary>Places the field on bit <paramref name="bit"/> (0..63).</summary>
    public BitAttribute(int bit) => Bit = bit;

    /// <summary>The bit number, 0..63.</summary>
    public int Bit { get; }
}

using System;

namespace Spte;

/// <summary>
/// A compile-time assertion that a named bit set is exactly <see cref="Bits"/> bits wide, like
/// KVM's check that the MMIO generation halves are 8 and 11 bits. Names are resolved as for
/// <see cref="DisjointAttribute"/>. A violation is error SPTE0005.
/// </summary>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
public sealed class WidthAttribute : Attribute
{
    /// <summary>Asserts that <paramref name="name"/> has exactly <paramref name="bits"/> bits set.</summary>
    public WidthAttribute(string name, int bits)
    {
        Name = name;
        Bits = bits;
    }

    /// <summary>The name of the bit set.</summary>
    public string Name { get; }

    /// <summary>The expected number of bits.</summary>
    public int Bits { get; }
}

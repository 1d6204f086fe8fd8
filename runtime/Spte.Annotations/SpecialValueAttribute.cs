using System;

namespace Spte;

/// <summary>
/// Names a whole-entry value with a meaning of its own, such as KVM's <c>FROZEN_SPTE</c>.
/// The generator emits <c>{Name}Value</c>, a static <c>{Name}</c> and <c>Is{Name}</c>.
/// A special value must set no present bit and must differ from the non-present value and
/// from every other special value.
/// </summary>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
public sealed class SpecialValueAttribute : Attribute
{
    /// <summary>Declares the special value <paramref name="name"/> = <paramref name="value"/>.</summary>
    public SpecialValueAttribute(string name, ulong value)
    {
        Name = name;
        Value = value;
    }

    /// <summary>The name, a C# identifier.</summary>
    public string Name { get; }

    /// <summary>The raw 64-bit value.</summary>
    public ulong Value { get; }
}

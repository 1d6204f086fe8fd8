using System;

namespace Spte;

/// <summary>
/// Names a 64-bit mask that is not a field, such as KVM's <c>SPTE_MMIO_ALLOWED_MASK</c>, so
/// that assertions can refer to it. The generator emits <c>const ulong {Name}Mask</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
public sealed class MaskAttribute : Attribute
{
    /// <summary>Declares the mask <paramref name="name"/> = <paramref name="value"/>.</summary>
    public MaskAttribute(string name, ulong value)
    {
        Name = name;
        Value = value;
    }

    /// <summary>The name, a C# identifier.</summary>
    public string Name { get; }

    /// <summary>The mask's bits.</summary>
    public ulong Value { get; }
}

using System;

namespace Spte;

/// <summary>
/// A compile-time assertion that every bit of <see cref="Inner"/> is also in
/// <see cref="Outer"/>, like KVM's check that the MMIO value has no bit outside the MMIO mask.
/// Names are resolved as for <see cref="DisjointAttribute"/>. A violation is error SPTE0005.
/// </summary>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
public sealed class WithinAttribute : Attribute
{
    /// <summary>Asserts that <paramref name="inner"/> sets no bit outside <paramref name="outer"/>.</summary>
    public WithinAttribute(string inner, string outer)
    {
        Inner = inner;
        Outer = outer;
    }

    /// <summary>The bit set that must be contained.</summary>
    public string Inner { get; }

    /// <summary>The containing bit set.</summary>
    public string Outer { get; }
}

using System;

namespace Spte;

/// <summary>
/// A compile-time assertion that two named bit sets share no bit, like KVM's
/// <c>static_assert(!(A &amp; B))</c>. A name is a field (<c>Pfn</c>, or <c>View.Field</c>), a
/// special value, a <see cref="MaskAttribute"/> mask, <c>NonPresent</c>, <c>Present</c>,
/// <c>Reserved</c> or <c>View.Reserved</c>. A violation is error SPTE0005.
/// </summary>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
public sealed class DisjointAttribute : Attribute
{
    /// <summary>Asserts that <paramref name="first"/> and <paramref name="second"/> share no bit.</summary>
    public DisjointAttribute(string first, string second)
    {
        First = first;
        Second = second;
    }

    /// <summary>The first name.</summary>
    public string First { get; }

    /// <summary>The second name.</summary>
    public string Second { get; }
}

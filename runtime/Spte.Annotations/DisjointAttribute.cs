using System;
using System.Collections.Generic;

namespace Spte;

/// <summary>
/// A compile-time assertion that named bit sets share no bit, like KVM's
/// <c>static_assert(!(A &amp; B))</c>. With more than two names, every pair must be disjoint.
/// A name is a field (<c>Pfn</c>, or <c>View.Field</c>), the encoding of an enum member in an
/// enum-typed field (<c>Leaf.AdType.Enabled</c>), a special value, a <see cref="MaskAttribute"/>
/// mask, <c>NonPresent</c>, <c>Present</c>, <c>Reserved</c> or <c>View.Reserved</c>; names joined
/// with <c>|</c> stand for the union of their bits, like KVM's <c>(A | B)</c>. A violation is
/// error SPTE0005, naming the pair that overlaps and the bits they share.
/// </summary>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
public sealed class DisjointAttribute : Attribute
{
    /// <summary>Asserts that <paramref name="first"/> and <paramref name="second"/> share no bit.</summary>
    public DisjointAttribute(string first, string second)
        : this(first, second, [])
    {
    }

    /// <summary>Asserts that no two of <paramref name="first"/>, <paramref name="second"/> and <paramref name="others"/> share a bit.</summary>
    public DisjointAttribute(string first, string second, params string[] others)
    {
        First = first;
        Second = second;
        Names = [first, second, .. others];
    }

    /// <summary>The first name.</summary>
    public string First { get; }

    /// <summary>The second name.</summary>
    public string Second { get; }

    /// <summary>Every name, in the order written.</summary>
    public IReadOnlyList<string> Names { get; }
}

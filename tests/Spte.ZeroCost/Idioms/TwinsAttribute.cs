using System;

namespace Spte.ZeroCost;

/// <summary>
/// Names the twins of a generated probe when they are not named after it: a probe that reads the
/// same member another way (through a view conversion, say) is compared with that member's twins.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class TwinsAttribute : Attribute
{
    /// <summary>The twins are the methods named <paramref name="member"/><c>_</c><i>idiom</i>.</summary>
    public TwinsAttribute(string member) => Member = member;

    /// <summary>The name before the twins' <c>_</c>.</summary>
    public string Member { get; }
}

using System;

namespace Spte;

/// <summary>
/// Declares bits <c>low..high</c> (inclusive) reserved, i.e. must-be-zero, in the format (then in
/// every view) or in one view. Hardware walkers fault on an entry that sets any of them. A
/// reserved bit must not overlap a field of the same view.
/// </summary>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
public sealed class ReservedAttribute : Attribute
{
    /// <summary>Reserves the single bit <paramref name="bit"/>.</summary>
    public ReservedAttribute(int bit)
        : this(bit, bit)
    {
    }

    /// <summary>Reserves bits <paramref name="low"/>..<paramref name="high"/>, inclusive.</summary>
    public ReservedAttribute(int low, int high)
    {
        Low = low;
        High = high;
    }

    /// <summary>The lowest reserved bit.</summary>
    public int Low { get; }

    /// <summary>The highest reserved bit, inclusive.</summary>
    public int High { get; }
}

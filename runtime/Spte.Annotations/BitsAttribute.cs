using System;

namespace Spte;

/// <summary>
/// Places a field of an entry format on the bits <c>low..high</c>, both inclusive. Apply it
/// to a <c>partial</c> get-only property. Several of them on one property make a split field
/// (KVM's MMIO generation lives in bits 3..10 and 52..62); the first one listed holds the
/// value's lowest bits.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class BitsAttribute : Attribute
{
    /// <summary>Places the field on bits <paramref name="low"/>..<paramref name="high"/>, inclusive.</summary>
    public BitsAttribute(int low, int high)
    {
        Low = low;
        High = high;
    }

    /// <summary>The lowest bit of the run.</summary>
    public int Low { get; }

    /// <summary>The highest bit of the run, inclusive.</summary>
    public int High { get; }
}

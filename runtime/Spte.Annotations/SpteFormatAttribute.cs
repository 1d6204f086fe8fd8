using System;

namespace Spte;

/// <summary>
/// Declares a <c>partial struct</c> as a 64-bit page-table entry format. The Spte generator
/// turns it into a wrapper over one <see cref="ulong"/> with constant masks, inlined accessors
/// and compile-time checks of the format's invariants.
/// </summary>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class SpteFormatAttribute : Attribute
{
    /// <summary>
    /// The raw value of a non-present entry: what every fresh table is filled with and what
    /// every zap writes. KVM's <c>SHADOW_NONPRESENT_VALUE</c> is <c>1UL &lt;&lt; 63</c>
    /// (suppress #VE) on 64-bit hosts. It must set no present bit. Default 0.
    /// </summary>
    public ulong NonPresentValue { get; set; }
}

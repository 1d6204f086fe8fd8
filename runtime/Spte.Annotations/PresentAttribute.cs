using System;

namespace Spte;

/// <summary>
/// Marks a field whose bits make an entry present: an entry is present when any present bit is
/// set (KVM's <c>SPTE_MMU_PRESENT_MASK</c>, bit 11). Allowed on fields of the format itself,
/// not of a view. Every format needs at least one.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class PresentAttribute : Attribute
{
}

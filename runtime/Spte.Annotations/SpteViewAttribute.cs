using System;

namespace Spte;

/// <summary>
/// Declares a nested <c>partial struct</c> of a format as a view: another reading of the same 64
/// bits (KVM's non-leaf, 4K leaf, large leaf and MMIO SPTEs). A view has the format's fields
/// plus its own; its own fields may overlap those of other views but nothing within the view.
/// The generator emits the view's members, a conversion to the format and <c>As{View}</c> on
/// the format.
/// </summary>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class SpteViewAttribute : Attribute
{
}

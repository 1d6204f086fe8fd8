using System;

namespace Spte;

/// <summary>
/// Marks a raw <see cref="ulong"/> location (field, property, parameter, return value) of type
/// <c>ulong</c>, <c>ulong[]</c>, <c>ulong*</c>, <c>Span&lt;ulong&gt;</c> or
/// <c>Memory&lt;ulong&gt;</c> as holding entries of format <see cref="Format"/>, so that the
/// analyzers check what is stored there (SPTE1001, SPTE1002, SPTE1003).
/// </summary>
[AttributeUsage(
    AttributeTargets.Field | AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.ReturnValue,
    AllowMultiple = false,
    Inherited = false)]
public sealed class SpteSlotAttribute : Attribute
{
    /// <summary>Marks the location as holding entries of <paramref name="format"/>.</summary>
    public SpteSlotAttribute(Type format) => Format = format;

    /// <summary>The entry format, a type declared with <see cref="SpteFormatAttribute"/>.</summary>
    public Type Format { get; }
}

using System.Collections.Generic;
using System.Linq;

namespace Spte.Cli.Model;

/// <summary>
/// Everything the CLI knows about one <c>[SpteFormat]</c> type, read from its attributes
/// (<see cref="FormatReader"/>). It is the declaration, not the generated code, so it is the same
/// whichever generator version compiled the assembly.
/// </summary>
/// <param name="Name">The type's simple name.</param>
/// <param name="FullName">The namespace-qualified name, nested types joined with '.'.</param>
/// <param name="Origin">Where the format came from: "built in" or the assembly's path.</param>
/// <param name="NonPresentValue">The declared non-present value.</param>
/// <param name="Fields">The format's own fields (common to every view), lowest bit first.</param>
/// <param name="Views">The nested views, in declaration order.</param>
/// <param name="SpecialValues">The <c>[SpecialValue]</c>s, in declaration order.</param>
/// <param name="Masks">The <c>[Mask]</c>s, in declaration order.</param>
/// <param name="ReservedMask">The reserved bits declared on the format (reserved in every view).</param>
internal sealed record FormatModel(
    string Name,
    string FullName,
    string Origin,
    ulong NonPresentValue,
    IReadOnlyList<FieldModel> Fields,
    IReadOnlyList<ViewModel> Views,
    IReadOnlyList<NamedValue> SpecialValues,
    IReadOnlyList<NamedValue> Masks,
    ulong ReservedMask)
{
    /// <summary>The bits of which any one makes an entry present.</summary>
    public ulong PresentMask => Fields.Where(f => f.IsPresent).Aggregate(0UL, (mask, f) => mask | f.Mask);

    /// <summary>The bits of the format's own fields.</summary>
    public ulong FieldMask => Fields.Aggregate(0UL, (mask, f) => mask | f.Mask);

    /// <summary>The reserved bits of <paramref name="view"/>: the format's plus its own.</summary>
    public ulong ReservedMaskOf(ViewModel view) => ReservedMask | view.OwnReservedMask;
}

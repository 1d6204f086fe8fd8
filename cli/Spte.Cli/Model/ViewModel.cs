using System.Collections.Generic;
using System.Linq;

namespace Spte.Cli.Model;

/// <summary>A nested <c>[SpteView]</c> of a format: its own fields and reserved bits.</summary>
/// <param name="Name">The nested type's name.</param>
/// <param name="Fields">The view's own fields, lowest bit first (the format's fields are common to every view).</param>
/// <param name="OwnReservedMask">The reserved bits declared on the view itself.</param>
internal sealed record ViewModel(string Name, IReadOnlyList<FieldModel> Fields, ulong OwnReservedMask)
{
    /// <summary>The bits of the view's own fields.</summary>
    public ulong FieldMask => Fields.Aggregate(0UL, (mask, f) => mask | f.Mask);
}

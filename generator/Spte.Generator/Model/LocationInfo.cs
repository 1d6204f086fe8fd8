using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Spte.Generator.Model;

/// <summary>
/// Where a diagnostic goes, as plain values: a <see cref="Location"/> would hold its syntax tree
/// and keep pipeline models from comparing equal across runs.
/// </summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    public static LocationInfo? From(SyntaxNode? node) => From(node?.GetLocation());

    public static LocationInfo? From(Location? location) =>
        location is { SourceTree: not null }
            ? new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span)
            : null;
}

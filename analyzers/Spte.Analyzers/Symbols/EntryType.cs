using System.Linq;
using Microsoft.CodeAnalysis;

namespace Spte.Analyzers.Symbols;

/// <summary>
/// A type whose values are entries of a format: the format itself, one of its <c>[SpteView]</c>
/// views (same 64 bits, read another way), or a type parameter <c>T</c> whose constraints include
/// <c>ISpte&lt;T&gt;</c> (see <see cref="SpteModel"/>).
/// </summary>
internal sealed class EntryType
{
    public EntryType(ITypeSymbol type, FormatInfo format, bool isView)
    {
        Type = type;
        Format = format;
        IsView = isView;
        if (isView)
        {
            FromRaw = FindFromRaw((INamedTypeSymbol)type);
            Raw = FindRaw((INamedTypeSymbol)type);
        }
        else
        {
            FromRaw = format.FromRaw;
            Raw = format.Raw;
        }
    }

    public ITypeSymbol Type { get; }

    public FormatInfo Format { get; }

    /// <summary>Whether this is a view of <see cref="Format"/> rather than the format.</summary>
    public bool IsView { get; }

    /// <summary>This type's <c>FromRaw(ulong)</c>.</summary>
    public ISymbol? FromRaw { get; }

    /// <summary>This type's <c>Raw</c>.</summary>
    public ISymbol? Raw { get; }

    /// <summary>How the code fixes find the view: a documentation-comment ID.</summary>
    public string Key => DocumentationCommentId.CreateDeclarationId(Type) ?? Type.Name;

    /// <summary>The non-present entry written as code, for messages.</summary>
    public string NonPresentText =>
        IsView
            ? Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + ".FromRaw(" + Format.Name + ".NonPresentValue)"
            : Format.Name + ".NonPresent";

    /// <summary>Whether <paramref name="accessed"/> (a member as used in code) is <paramref name="member"/>.</summary>
    public static bool IsMember(ISymbol? accessed, ISymbol? member) =>
        accessed is not null && member is not null
        && SymbolEqualityComparer.Default.Equals(accessed.OriginalDefinition, member.OriginalDefinition);

    internal static IMethodSymbol? FindFromRaw(INamedTypeSymbol type) =>
        type.GetMembers("FromRaw").OfType<IMethodSymbol>().FirstOrDefault(m =>
            m.IsStatic && m.Parameters.Length == 1 && m.Parameters[0].Type.SpecialType == SpecialType.System_UInt64);

    internal static IPropertySymbol? FindRaw(INamedTypeSymbol type) =>
        type.GetMembers("Raw").OfType<IPropertySymbol>().FirstOrDefault(p =>
            !p.IsStatic && p.Type.SpecialType == SpecialType.System_UInt64);
}

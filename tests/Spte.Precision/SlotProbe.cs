using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Spte.Precision;

/// <summary>
/// The probe: a repository declares no format, so the rules have nothing to check and only the
/// dispatch runs. With <c>--slots</c> the harness declares one format and, in memory only, marks
/// every <c>ulong</c>, <c>ulong[]</c> and <c>ulong*</c> field of the repository as a slot of it, so
/// every rule and the slot flow run over real code. With a non-present value of 0 (NPT's) no
/// SPTE1001–1003 may appear at all: each one is a false positive. With KVM's bit 63 they are
/// expected (the repository writes zeros into its words), and the run checks for exceptions.
/// </summary>
internal sealed class SlotProbe : CSharpSyntaxRewriter
{
    private const string Format = "global::SptePrecisionProbe.ProbeSpte";

    private readonly AttributeListSyntax _slot =
        SyntaxFactory.ParseCompilationUnit($"[global::Spte.SpteSlot(typeof({Format}))] class C {{ }}").Members[0].AttributeLists[0];

    public int Marked { get; private set; }

    /// <summary>The format's declaration, for the generator to implement.</summary>
    public static string Declaration(ulong nonPresentValue) => string.Create(CultureInfo.InvariantCulture, $$"""
        namespace SptePrecisionProbe;

        [global::Spte.SpteFormat(NonPresentValue = 0x{{nonPresentValue:X}}UL)]
        public partial struct ProbeSpte
        {
            [global::Spte.Bit(0), global::Spte.Present] public partial bool Valid { get; }
            [global::Spte.Bits(12, 51)] public partial ulong Pfn { get; }
        }
        """);

    public override SyntaxNode? VisitFieldDeclaration(FieldDeclarationSyntax node)
    {
        // Constants are never written; fixed buffers cannot carry the attribute's shapes.
        if (node.Modifiers.Any(SyntaxKind.ConstKeyword) || node.Modifiers.Any(SyntaxKind.FixedKeyword) || !IsRaw(node.Declaration.Type))
        {
            return node;
        }

        // The field's trivia (comments, #if lines) stays in front, so every line keeps its number.
        Marked += node.Declaration.Variables.Count;
        return node.WithoutLeadingTrivia().AddAttributeLists(_slot.WithLeadingTrivia(node.GetLeadingTrivia()));
    }

    private static bool IsRaw(TypeSyntax type) => type switch
    {
        ArrayTypeSyntax { RankSpecifiers.Count: 1 } array => IsUlong(array.ElementType),
        PointerTypeSyntax pointer => IsUlong(pointer.ElementType),
        _ => IsUlong(type),
    };

    private static bool IsUlong(TypeSyntax type) => type switch
    {
        PredefinedTypeSyntax predefined => predefined.Keyword.IsKind(SyntaxKind.ULongKeyword),
        IdentifierNameSyntax { Identifier.ValueText: "UInt64" } => true,
        QualifiedNameSyntax { Right.Identifier.ValueText: "UInt64" } => true,
        _ => false,
    };
}

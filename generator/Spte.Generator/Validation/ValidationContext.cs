using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Spte.Generator.Diagnostics;
using Spte.Generator.Model;

namespace Spte.Generator.Validation;

/// <summary>What one format's checks have found so far.</summary>
internal sealed class ValidationContext(FormatDeclaration format)
{
    public FormatDeclaration Format { get; } = format;

    public List<DiagnosticInfo> Diagnostics { get; } = [];

    /// <summary>Set when the declaration cannot be emitted as is; then only stubs are generated.</summary>
    public bool Structural { get; set; }

    public void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        Diagnostics.Add(new DiagnosticInfo(descriptor, location, arguments.ToEquatableArray()));

    /// <summary>Reports an error the parser found in a declaration; such a declaration cannot be emitted.</summary>
    public void Report(DiagnosticInfo declarationError)
    {
        Diagnostics.Add(declarationError);
        Structural = true;
    }

    public static bool IsIdentifier(string name) =>
        SyntaxFacts.IsValidIdentifier(name) && SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None;

    public void CheckIdentifier(string name, LocationInfo? location, string what)
    {
        if (!IsIdentifier(name))
        {
            Report(DiagnosticDescriptors.MemberDeclarationInvalid, location, name, $"is not a valid C# identifier for a {what}");
            Structural = true;
        }
    }
}

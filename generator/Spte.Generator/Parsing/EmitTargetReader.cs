using System.Linq;
using Microsoft.CodeAnalysis;
using Spte.Generator.Model;

namespace Spte.Generator.Parsing;

/// <summary>Reads the <see cref="EmitTarget"/> of a compilation.</summary>
internal static class EmitTargetReader
{
    private const string Bmi1X64 = "System.Runtime.Intrinsics.X86.Bmi1+X64";

    /// <summary>
    /// Any accessible definition will do: generated code names the type with <c>global::</c>, so
    /// it binds like user code would. <c>GetTypesByMetadataName</c> rather than the banned
    /// single-answer lookup, which returns null when two references define the name.
    /// </summary>
    public static EmitTarget Read(Compilation compilation) =>
        new(compilation.GetTypesByMetadataName(Bmi1X64).Any(t => compilation.IsSymbolAccessibleWithin(t, compilation.Assembly)));
}

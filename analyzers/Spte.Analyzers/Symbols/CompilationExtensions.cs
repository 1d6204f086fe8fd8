using Microsoft.CodeAnalysis;

namespace Spte.Analyzers.Symbols;

/// <summary>Type lookup that tolerates the same metadata name in several referenced assemblies.</summary>
internal static class CompilationExtensions
{
    /// <summary>
    /// The type named <paramref name="metadataName"/>: the compilation's own if it declares one,
    /// else the only accessible one among the references; null when absent or ambiguous.
    /// (<c>GetTypeByMetadataName</c> returns null as soon as two references define the name.)
    /// </summary>
    public static INamedTypeSymbol? GetBestTypeByMetadataName(this Compilation compilation, string metadataName)
    {
        INamedTypeSymbol? best = null;
        foreach (var type in compilation.GetTypesByMetadataName(metadataName))
        {
            if (SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, compilation.Assembly))
            {
                return type;
            }

            if (!compilation.IsSymbolAccessibleWithin(type, compilation.Assembly))
            {
                continue;
            }

            if (best is not null)
            {
                return null;
            }

            best = type;
        }

        return best;
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Spte.Runtime.Formats;

namespace Spte.Cli.Model;

/// <summary>
/// The formats a command can use: the runtime's (built in) plus those of any <c>--assembly</c>.
/// Names match case-insensitively, by simple name (<c>eptspte</c>) or
/// full name (<c>Spte.Runtime.Formats.EptSpte</c>).
/// </summary>
internal sealed class FormatCatalog
{
    /// <summary>What <see cref="FormatModel.Origin"/> says for the runtime's formats.</summary>
    public const string BuiltIn = "built in";

    private FormatCatalog(IReadOnlyList<FormatModel> formats) => Formats = formats;

    /// <summary>All formats, built-in first, each group ordered by full name.</summary>
    public IReadOnlyList<FormatModel> Formats { get; }

    /// <summary>The built-in formats only.</summary>
    public static FormatCatalog BuiltInOnly() => Load([]);

    /// <summary>
    /// The built-in formats plus those of <paramref name="assemblyPaths"/>. A user format with the
    /// full name of a built-in one replaces it (the user asked for their build).
    /// </summary>
    public static FormatCatalog Load(IEnumerable<string> assemblyPaths)
    {
        var user = new List<FormatModel>();
        foreach (var path in assemblyPaths.DistinctBy(Path.GetFullPath))
        {
            user.AddRange(UserAssemblyLoader.LoadFormatTypes(path)
                .Select(type => FormatReader.Read(type, path))
                .OrderBy(format => format.FullName, StringComparer.Ordinal));
        }

        var hidden = user.Select(format => format.FullName).ToHashSet(StringComparer.Ordinal);
        var builtIn = typeof(EptSpte).Assembly.GetTypes()
            .Where(FormatReader.IsFormat)
            .Select(type => FormatReader.Read(type, BuiltIn))
            .Where(format => !hidden.Contains(format.FullName))
            .OrderBy(format => format.FullName, StringComparer.Ordinal);

        return new FormatCatalog([.. builtIn, .. user]);
    }

    /// <summary>The format named <paramref name="name"/>.</summary>
    /// <exception cref="CliException">No format, or more than one, has that name.</exception>
    public FormatModel Find(string name)
    {
        var byFullName = Formats.Where(format => Matches(format.FullName, name)).ToList();
        var matches = byFullName.Count > 0
            ? byFullName
            : Formats.Where(format => string.Equals(format.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();

        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new CliException(
                $"unknown format '{name}'; known formats: {string.Join(", ", Formats.Select(format => format.Name))} (see 'spte formats')"),
            _ => throw new CliException(
                $"format name '{name}' is ambiguous: {string.Join(", ", matches.Select(format => $"{format.FullName} ({format.Origin})"))}; use the full name"),
        };
    }

    private static bool Matches(string fullName, string name) =>
        string.Equals(fullName, name.Replace('+', '.'), StringComparison.OrdinalIgnoreCase);
}

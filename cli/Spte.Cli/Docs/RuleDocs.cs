using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace Spte.Cli.Docs;

/// <summary>
/// The diagnostics pages (docs/diagnostics/*.md), embedded in the tool at build time so that
/// <c>spte explain</c> works from an installed tool with no checkout around it.
/// </summary>
internal static class RuleDocs
{
    private const string Prefix = "diagnostics/";
    private const string Suffix = ".md";

    /// <summary>The IDs that have a page, in order.</summary>
    public static IReadOnlyList<string> Ids { get; } = typeof(RuleDocs).Assembly.GetManifestResourceNames()
        .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal) && name.EndsWith(Suffix, StringComparison.Ordinal))
        .Select(name => name[Prefix.Length..^Suffix.Length])
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>The page of rule <paramref name="id"/> (matched case-insensitively).</summary>
    /// <exception cref="CliException">No page has that ID.</exception>
    public static string Read(string id)
    {
        var match = Ids.FirstOrDefault(known => string.Equals(known, id.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new CliException($"unknown rule '{id}'; known rules: {string.Join(", ", Ids)}");

        using var stream = typeof(RuleDocs).Assembly.GetManifestResourceStream(Prefix + match + Suffix)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

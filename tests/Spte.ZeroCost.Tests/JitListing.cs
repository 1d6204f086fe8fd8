using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace Spte.ZeroCost.Tests;

/// <summary>
/// One method's listing from the JIT's <c>DOTNET_JitDisasm</c> output, reduced to what can
/// differ between two methods that compile to the same machine code.
/// </summary>
/// <param name="Method">
/// The listing's method, <c>Class:Method</c> without namespace or signature, with a generic
/// method's instantiation as the JIT prints it: <c>SpanHelpers:Fill[ulong]</c>.
/// </param>
/// <param name="Tier">The optimisation level the JIT names in the header, e.g. <c>FullOpts</c>.</param>
/// <param name="Raw">The listing as the JIT printed it.</param>
/// <param name="Code">The normalised instructions and labels.</param>
public sealed partial record JitListing(string Method, string Tier, string Raw, IReadOnlyList<string> Code)
{
    private const string Header = "; Assembly listing for method ";

    /// <summary>Splits a JIT stdout file into listings, keyed by <see cref="Method"/>.</summary>
    /// <exception cref="InvalidOperationException">A method was listed twice (it was compiled twice).</exception>
    public static IReadOnlyDictionary<string, JitListing> ParseAll(string text)
    {
        var listings = new Dictionary<string, JitListing>(StringComparer.Ordinal);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var start = -1;
        for (var i = 0; i <= lines.Length; i++)
        {
            if (i < lines.Length && !lines[i].StartsWith(Header, StringComparison.Ordinal))
            {
                continue;
            }

            if (start >= 0)
            {
                var listing = Parse(lines[start..i]);
                if (!listings.TryAdd(listing.Method, listing))
                {
                    throw new InvalidOperationException($"{listing.Method} was compiled more than once; compare one tier only.");
                }
            }

            start = i;
        }

        return listings;
    }

    /// <summary>Parses one listing: its header line and the lines up to the next header.</summary>
    public static JitListing Parse(IReadOnlyList<string> lines)
    {
        // "Spte.ZeroCost.GeneratedProbes:Readable(Spte.ZeroCost.EptSpte):bool (FullOpts)"
        var header = lines[0][Header.Length..];
        var signature = header.IndexOf('(', StringComparison.Ordinal);
        var colon = header.LastIndexOf(':', signature);
        var type = header[..colon];
        var method = type[(type.LastIndexOf('.') + 1)..] + ":" + header[(colon + 1)..signature];
        var tier = TierPattern().Match(header).Groups[1].Value;
        return new JitListing(method, tier, string.Join('\n', lines).TrimEnd(), Normalise(lines.Skip(1)));
    }

    /// <summary>
    /// Keeps instructions and labels; drops the JIT's comment lines (frame kind, inlinee and PGO
    /// counts, code size), <c>;;</c> offsets and <c>align</c> padding; renames labels in order of
    /// first appearance; and replaces immediates the JIT marks as handles or data with
    /// <c>&lt;addr&gt;</c>. Frozen string literals appear as bare immediates with no mark: a
    /// literal is one object per process, so the same literal gives the same immediate in both
    /// listings and needs no renaming.
    /// </summary>
    public static IReadOnlyList<string> Normalise(IEnumerable<string> lines)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var code = new List<string>();
        foreach (var line in lines)
        {
            var semicolon = line.IndexOf(';', StringComparison.Ordinal);
            var instruction = (semicolon < 0 ? line : line[..semicolon]).Trim();
            var comment = semicolon < 0 ? string.Empty : line[semicolon..];
            if (instruction.Length == 0 || instruction.StartsWith("align", StringComparison.Ordinal))
            {
                continue;
            }

            if (HandleCommentPattern().IsMatch(comment))
            {
                instruction = HexPattern().Replace(instruction, "<addr>");
            }

            instruction = RelocPattern().Replace(instruction, "<data>");
            instruction = LabelPattern().Replace(instruction, m =>
            {
                if (!labels.TryGetValue(m.Value, out var name))
                {
                    name = "L" + (labels.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    labels.Add(m.Value, name);
                }

                return name;
            });
            code.Add(WhitespacePattern().Replace(instruction, " "));
        }

        return code;
    }

    /// <inheritdoc/>
    public override string ToString() => Raw;

    [GeneratedRegex(@"\((\w+)\)\s*$")]
    private static partial Regex TierPattern();

    [GeneratedRegex(@"'|handle|ptr|reloc|gcrv|data for", RegexOptions.IgnoreCase)]
    private static partial Regex HandleCommentPattern();

    [GeneratedRegex(@"0x[0-9A-Fa-f]+")]
    private static partial Regex HexPattern();

    [GeneratedRegex(@"reloc @RWD\d+")]
    private static partial Regex RelocPattern();

    [GeneratedRegex(@"G_M\d+_IG\d+")]
    private static partial Regex LabelPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespacePattern();
}

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Spte.Analyzers.Diagnostics;
using Spte.Analyzers.Symbols;

namespace Spte.Analyzers.Rules;

/// <summary>The rewrite SPTE1002 offers for one report, and what the fix needs to do it.</summary>
internal sealed class TableFix
{
    private TableFix(string? kind, ImmutableDictionary<string, string?> properties, IReadOnlyList<Location> locations)
    {
        Kind = kind;
        Properties = properties;
        Locations = locations;
    }

    /// <summary>No mechanical rewrite (pointers, native memory, a table stored where no statement can follow).</summary>
    public static TableFix None { get; } = new(null, ImmutableDictionary<string, string?>.Empty, Array.Empty<Location>());

    /// <summary>A <see cref="FixProperties"/> fix kind, or null.</summary>
    public string? Kind { get; }

    public ImmutableDictionary<string, string?> Properties { get; }

    /// <summary>The diagnostic's additional locations.</summary>
    public IReadOnlyList<Location> Locations { get; }

    /// <summary><c>T.NewTable(size)</c> in place of the allocation.</summary>
    public static TableFix NewTable(IOperation size) =>
        new(FixProperties.NewTable, ImmutableDictionary<string, string?>.Empty, new[] { size.Syntax.GetLocation() });

    /// <summary>One of the in-place rewrites: <see cref="FixProperties.ArrayFill"/>, <see cref="FixProperties.SpanFill"/>, <see cref="FixProperties.ReplaceValue"/>.</summary>
    public static TableFix InPlace(string kind) => new(kind, ImmutableDictionary<string, string?>.Empty, Array.Empty<Location>());

    /// <summary>A fill statement after the one that stores the table in <paramref name="variable"/>.</summary>
    public static TableFix FillAfter(Location variable, string fillKind) =>
        new(FixProperties.FillAfter, ImmutableDictionary<string, string?>.Empty.Add(FixProperties.FillKind, fillKind), new[] { variable });

    /// <summary>What the message tells the user to do; without a rewrite it says so (the rule's page shows the hand fix).</summary>
    public string Advice(FormatInfo format, string nonPresent) => Kind switch
    {
        FixProperties.NewTable => "create it with " + format.Name + ".NewTable(n)",
        null => "fill it with " + nonPresent + Reports.NoFix,
        _ => "fill it with " + nonPresent,
    };
}

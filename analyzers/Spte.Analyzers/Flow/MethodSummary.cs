using System;
using System.Collections.Immutable;

namespace Spte.Analyzers.Flow;

/// <summary>What a helper does to the raw values it is handed or returns.</summary>
[Flags]
internal enum RawEffect
{
    None = 0,

    /// <summary>A raw zero is written into the parameter (a <c>ref</c>/<c>out ulong</c>) or an element of it (a table).</summary>
    WritesZero = 1,

    /// <summary>The table parameter is zero-filled (<c>Clear</c>, <c>Fill(0)</c>, <c>Array.Resize</c>, <c>InitBlock(…, 0, …)</c>).</summary>
    ZeroFills = 2,

    /// <summary>The parameter (a raw value) is compared with zero: a presence test by comparison.</summary>
    TestsZero = 4,
}

/// <summary>One helper's summary: per parameter ordinal, and for its return value.</summary>
internal sealed class MethodSummary
{
    public static readonly MethodSummary Empty = new(ImmutableArray<(RawEffect, string)>.Empty, RawEffect.None, string.Empty);

    public MethodSummary(ImmutableArray<(RawEffect Effect, string Why)> parameters, RawEffect returns, string returnWhy)
    {
        Parameters = parameters;
        Returns = returns;
        ReturnWhy = returnWhy;
    }

    /// <summary>By ordinal; empty when no parameter has an effect.</summary>
    public ImmutableArray<(RawEffect Effect, string Why)> Parameters { get; }

    /// <summary><see cref="RawEffect.WritesZero"/>: returns a raw zero; <see cref="RawEffect.ZeroFills"/>: returns a zero-filled table.</summary>
    public RawEffect Returns { get; }

    public string ReturnWhy { get; }

    public (RawEffect Effect, string Why) Parameter(int ordinal) =>
        ordinal >= 0 && ordinal < Parameters.Length ? Parameters[ordinal] : (RawEffect.None, string.Empty);
}

using System.Collections.Generic;

namespace Spte.ZeroCost.Tests;

/// <summary>A generated member that is longer than its best hand-written twin, and why the generator keeps it.</summary>
/// <param name="Twin">The shortest twin's listing name (<c>Class:Method</c>).</param>
/// <param name="Instructions">How many instructions longer the generated listing is.</param>
/// <param name="Why">The reason, as docs/benchmarks.md §1 gives it with the listings.</param>
public sealed record KnownGap(string Twin, int Instructions, string Why);

/// <summary>The gaps <see cref="BestIdiomTests"/> accepts, each exactly: any change in one fails.</summary>
public static class KnownGaps
{
    private const string Pext = "pext/pdep are microcoded before Zen 3 (docs/benchmarks.md §1, split fields)";
    private const string Chain = "the JIT does not merge the ors of separate Withs (docs/benchmarks.md §1, With chains)";
    private const string Loop = "a struct element is loaded before it is tested (docs/benchmarks.md §1 (b))";

    /// <summary>Keyed by comparison name (<c>Format.Probe</c>).</summary>
    public static IReadOnlyDictionary<string, KnownGap> ByComparison { get; } = new Dictionary<string, KnownGap>(System.StringComparer.Ordinal)
    {
        // pext reads both runs of a split field in one instruction (mov r64, imm64 + pext); the
        // generator keeps shift-and-mask per run because pext is microcoded on AMD before Zen 3
        // (tens to hundreds of cycles, growing with the mask's bits), and the JIT, which would
        // have to choose, treats IsSupported as true on those CPUs too.
        ["EptSpte.Generation"] = new("EptIdioms:Generation_Pext", 4, Pext),
        ["NptSpte.Generation"] = new("NptIdioms:Generation_Pext", 4, Pext),

        // pdep: the same for placing a split field.
        ["EptSpte.WithGeneration"] = new("EptIdioms:WithGeneration_Pdep", 4, Pext),
        ["NptSpte.WithGeneration"] = new("NptIdioms:WithGeneration_Pdep", 4, Pext),

        // Separate Withs set their bits with separate ors (or rdi, 1 / or rdi, 2): the JIT does
        // not merge or-with-constant across the inlined calls, where a hand-folded chain has one.
        ["EptSpte.WithChain"] = new("EptIdioms:WithChain_Folded", 1, Chain),
        ["NptSpte.WithChain"] = new("NptIdioms:WithChain_Folded", 1, Chain),
        ["GStagePte.WithChain"] = new("GStageIdioms:WithChain_Folded", 1, Chain),

        // RyuJIT loads a one-field struct element into a register before testing it and tests a
        // bare ulong element in memory (ZeroCostTests.CountPresentLoopLoadsTheEntryBeforeTestingIt):
        // the one instruction any hand-written struct wrapper costs, as issue 18 allows for loops.
        ["EptSpte.CountPresent"] = new("EptIdioms:CountPresent_Mask", 1, Loop),
        ["EptSpte.CountPresentOf"] = new("EptIdioms:CountPresentOf_Mask", 1, Loop),
        ["NptSpte.CountPresentOf"] = new("NptIdioms:CountPresentOf_Mask", 1, Loop),
        ["GStagePte.CountPresentOf"] = new("GStageIdioms:CountPresentOf_Mask", 1, Loop),
    };
}

using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Spte.ZeroCost.Tests;

/// <summary>
/// Issue 18: each generated member against the best code a person would write for it. Every
/// probe of <see cref="ProbeCatalog"/> (EPT, NPT and the RISC-V G-stage PTE) is compared with the
/// shortest of its hand-written idioms, counted in instructions; the generated listing may not be
/// longer. Where it is and the generator cannot do better, <see cref="KnownGaps"/> pins the gap and
/// the twin exactly, so a change either way fails.
/// </summary>
public sealed class BestIdiomTests : IClassFixture<ProbeRun>
{
    private readonly ProbeRun run;

    /// <summary>Uses the shared probe run.</summary>
    public BestIdiomTests(ProbeRun run) => this.run = run;

    /// <summary>Every comparison, by name (<c>Format.Probe</c>).</summary>
    public static TheoryData<string> Comparisons => [.. ProbeCatalog.All.Select(static c => c.Name)];

    [Fact]
    public void EveryFormatHasProbesOfEveryMemberKind()
    {
        foreach (var format in new[] { "EptSpte", "NptSpte", "GStagePte" })
        {
            var probes = ProbeCatalog.All.Where(c => c.Format == format).Select(static c => c.Generated.Method.Name).ToHashSet();
            Assert.True(probes.Count >= 15, $"{format} has only {probes.Count} probes: {string.Join(", ", probes)}");
            Assert.Contains("IsPresent", probes);
            Assert.Contains("NonPresent", probes);
            Assert.Contains("WithChain", probes);
            Assert.Contains("CountPresentOf", probes);
            Assert.Contains("FillNonPresentOf", probes);
        }
    }

    [Theory]
    [MemberData(nameof(Comparisons))]
    public void GeneratedMemberIsNoLongerThanTheShortestHandWrittenIdiom(string name)
    {
        var comparison = ProbeCatalog.All.Single(c => c.Name == name);
        Assert.True(comparison.Twins.Count > 0, $"{name} has no twin in its idiom class");
        var generated = run.Get(comparison.Generated.ListingName);
        var twins = comparison.Twins.Select(t => run.Get(t.ListingName)).ToList();
        foreach (var listing in twins.Prepend(generated))
        {
            Assert.True(listing.Tier == "FullOpts", $"{listing.Method} was compiled as {listing.Tier}, not FullOpts:\n{listing.Raw}");
        }

        var best = twins.OrderBy(Instructions).First();
        var gap = Instructions(generated) - Instructions(best);
        var counts = string.Join(", ", twins.Select(t => $"{t.Method} {Instructions(t)}"));
        var report = $"""
            {name}: generated {Instructions(generated)} instructions, shortest twin {best.Method} {Instructions(best)} (all: {counts})
            ==== {generated.Method}
            {string.Join('\n', generated.Code)}

            ==== {best.Method}
            {string.Join('\n', best.Code)}
            """;
        if (KnownGaps.ByComparison.TryGetValue(name, out var known))
        {
            Assert.True(gap == known.Instructions && best.Method == known.Twin, $"expected {known.Twin} shorter by {known.Instructions}, because {known.Why}\n{report}");
        }
        else
        {
            Assert.True(gap <= 0, report);
        }
    }

    [Fact]
    public void EveryKnownGapNamesAComparison()
    {
        var names = ProbeCatalog.All.Select(static c => c.Name).ToHashSet();
        Assert.All(KnownGaps.ByComparison.Keys, name => Assert.Contains(name, names));
    }

    /// <summary>Instructions, not labels.</summary>
    private static int Instructions(JitListing listing) => listing.Code.Count(static line => !line.EndsWith(':'));
}

using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Spte.Generator.Tests.Infrastructure;
using Spte.Tests;
using Xunit;

namespace Spte.Generator.Tests;

/// <summary>Every rule has a help link to its own page, the page exists, and the release table lists it.</summary>
public sealed class HelpLinkTests
{
    private const string LinkPrefix = "https://github.com/spte-toolkit/spte-toolkit/blob/main/";

    /// <summary>The generator's descriptors, read by reflection: they are internal to the generator.</summary>
    public static TheoryData<string> RuleIds()
    {
        var data = new TheoryData<string>();
        foreach (var descriptor in Descriptors())
        {
            data.Add(descriptor.Id);
        }

        return data;
    }

    [Fact]
    public void Descriptors_are_exactly_SPTE0001_to_SPTE0012_each_once() =>
        Assert.Equal(
            Enumerable.Range(1, 12).Select(static n => $"SPTE{n:D4}"),
            Descriptors().Select(static d => d.Id).Order(System.StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Help_link_ends_with_the_rule_s_page(string id) =>
        Assert.Equal(LinkPrefix + $"docs/diagnostics/{id}.md", Descriptor(id).HelpLinkUri);

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Page_exists_in_the_repository_and_names_its_rule(string id)
    {
        var page = Path.Combine(RepositoryRoot.Path, "docs", "diagnostics", id + ".md");

        Assert.True(File.Exists(page), $"{id} links to {page}, which does not exist");
        Assert.Contains(id, File.ReadAllText(page), System.StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Rule_is_a_non_configurable_error_in_the_release_table(string id)
    {
        var descriptor = Descriptor(id);
        var releases = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "generator", "Spte.Generator", "AnalyzerReleases.Unshipped.md"))
            + File.ReadAllText(Path.Combine(RepositoryRoot.Path, "generator", "Spte.Generator", "AnalyzerReleases.Shipped.md"));

        Assert.Equal(DiagnosticSeverity.Error, descriptor.DefaultSeverity);
        Assert.Contains(WellKnownDiagnosticTags.NotConfigurable, descriptor.CustomTags);
        Assert.Contains($"{id} | {descriptor.Category} | Error |", releases, System.StringComparison.Ordinal);
    }

    private static DiagnosticDescriptor Descriptor(string id) => Descriptors().Single(d => d.Id == id);

    private static IEnumerable<DiagnosticDescriptor> Descriptors() =>
        typeof(SpteGenerator).Assembly
            .GetType("Spte.Generator.Diagnostics.DiagnosticDescriptors", throwOnError: true)!
            .GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(static f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(static f => (DiagnosticDescriptor)f.GetValue(null)!);
}

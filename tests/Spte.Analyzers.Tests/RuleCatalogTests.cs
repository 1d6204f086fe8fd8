using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Spte.Analyzers.CodeFixes;
using Spte.Analyzers.Tests.Infrastructure;
using Spte.Tests;
using Xunit;

namespace Spte.Analyzers.Tests;

/// <summary>Every rule is documented, tracked for release, fixable and configurable.</summary>
public sealed class RuleCatalogTests
{
    private const string HelpBase = "https://github.com/spte-toolkit/spte-toolkit/blob/main/docs/diagnostics/";

    public static TheoryData<string> RuleIds { get; } = new(new NonPresentAnalyzer().SupportedDiagnostics.Select(d => d.Id).ToArray());

    [Fact]
    public void The_analyzer_reports_exactly_the_three_rules() =>
        Assert.Equal(new[] { "SPTE1001", "SPTE1002", "SPTE1003" }, new NonPresentAnalyzer().SupportedDiagnostics.Select(d => d.Id).Order());

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Every_rule_links_to_its_docs_page_which_exists(string id)
    {
        var descriptor = Descriptor(id);
        Assert.Equal(HelpBase + id + ".md", descriptor.HelpLinkUri);
        var page = Path.Combine(RepositoryRoot.Path, "docs", "diagnostics", id + ".md");
        Assert.True(File.Exists(page), page + " is missing");
        var text = File.ReadAllText(page);
        Assert.StartsWith("# " + id + ":", text, StringComparison.Ordinal);
        Assert.Contains("## How to fix", text, StringComparison.Ordinal);
        Assert.Contains("## How to suppress", text, StringComparison.Ordinal);
        Assert.Contains("dotnet_diagnostic." + id + ".severity", text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Every_rule_has_one_release_tracking_row_matching_its_descriptor(string id)
    {
        var descriptor = Descriptor(id);
        var directory = Path.Combine(RepositoryRoot.Path, "analyzers", "Spte.Analyzers");
        var rows = new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" }
            .SelectMany(file => File.ReadAllLines(Path.Combine(directory, file)))
            .Select(line => line.Split('|').Select(cell => cell.Trim()).ToArray())
            .Where(cells => cells[0] == id)
            .ToList();
        var row = Assert.Single(rows);
        Assert.Equal(descriptor.Category, row[1]);
        Assert.Equal(descriptor.DefaultSeverity.ToString(), row[2]);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Every_rule_is_an_enabled_warning_that_can_be_configured(string id)
    {
        var descriptor = Descriptor(id);
        Assert.Equal(DiagnosticSeverity.Warning, descriptor.DefaultSeverity);
        Assert.True(descriptor.IsEnabledByDefault);
        Assert.Equal("Correctness", descriptor.Category);
        Assert.DoesNotContain(WellKnownDiagnosticTags.NotConfigurable, descriptor.CustomTags);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Every_rule_has_a_code_fix_with_fix_all(string id)
    {
        CodeFixProvider[] fixes = [new NonPresentCodeFixProvider(), new ZeroFilledTableCodeFixProvider(), new IsPresentCodeFixProvider()];
        var fix = Assert.Single(fixes, f => f.FixableDiagnosticIds.Contains(id));
        var fixAll = fix.GetFixAllProvider();
        Assert.NotNull(fixAll);
        Assert.Contains(FixAllScope.Document, fixAll.GetSupportedFixAllScopes());
        Assert.Contains(FixAllScope.Project, fixAll.GetSupportedFixAllScopes());
        Assert.Contains(FixAllScope.Solution, fixAll.GetSupportedFixAllScopes());
    }

    [Fact]
    public Task Editorconfig_turns_rules_off_per_id() => Verifier<NonPresentCodeFixProvider>.DiagnosticsAsync(
        """
        using Kvm;

        class Mmu
        {
            void Zap(EptSpte[] table)
            {
                table[0] = {|#0:default|};
                if (table[0].Raw == 0) { }
                var fresh = new EptSpte[4];
            }
        }
        """,
        editorConfig: """
            root = true

            [*.cs]
            dotnet_diagnostic.SPTE1001.severity = warning
            dotnet_diagnostic.SPTE1002.severity = none
            dotnet_diagnostic.SPTE1003.severity = none
            """,
        expected: new Microsoft.CodeAnalysis.Testing.DiagnosticResult("SPTE1001", DiagnosticSeverity.Warning).WithLocation(0)
            .WithArguments("default", "EptSpte", "0x8000000000000000", "EptSpte.NonPresent"));

    private static DiagnosticDescriptor Descriptor(string id) =>
        new NonPresentAnalyzer().SupportedDiagnostics.Single(d => d.Id == id);
}

using System.IO;
using System.Linq;
using Spte.Cli.Docs;
using Spte.Cli.Tests.Infrastructure;
using Spte.Tests;
using Xunit;

namespace Spte.Cli.Tests;

public sealed class ExplainCommandTests
{
    private static readonly string DocsFolder = Path.Combine(RepositoryRoot.Path, "docs", "diagnostics");

    [Theory]
    [InlineData("SPTE1001")]
    [InlineData("SPTE1002")]
    [InlineData("SPTE1003")]
    public void Prints_the_rule_page_as_committed(string id)
    {
        var page = Tool.Ok("explain", id);

        Assert.Equal(File.ReadAllText(Path.Combine(DocsFolder, id + ".md")), page);
        Assert.StartsWith($"# {id}: ", page);
    }

    [Fact]
    public void Rule_ids_match_case_insensitively()
    {
        Assert.Equal(Tool.Ok("explain", "SPTE1003"), Tool.Ok("explain", "spte1003"));
    }

    [Fact]
    public void Every_docs_page_is_embedded_in_the_tool()
    {
        var files = Directory.GetFiles(DocsFolder, "*.md").Select(file => Path.GetFileNameWithoutExtension(file)!).Order(System.StringComparer.Ordinal).ToList();

        Assert.Equal(files, RuleDocs.Ids);
        Assert.Contains("SPTE0001", RuleDocs.Ids);
    }
}

using System.IO;
using System.Linq;
using Spte.Cli.Model;
using Spte.Cli.Tests.Infrastructure;
using Spte.Tests;
using Xunit;

namespace Spte.Cli.Tests;

/// <summary>
/// docs/formats/ holds the drawing of every shipped format. These tests fail as soon as a format
/// or the drawing code changes without the committed SVGs being regenerated, and say how.
/// </summary>
public sealed class SvgUpToDateTests
{
    private static readonly string Folder = Path.Combine(RepositoryRoot.Path, "docs", "formats");

    public static TheoryData<string> ShippedFormats => [.. FormatCatalog.BuiltInOnly().Formats.Select(format => format.Name)];

    [Theory]
    [MemberData(nameof(ShippedFormats))]
    public void The_committed_svg_is_what_the_cli_draws_now(string format)
    {
        var path = Path.Combine(Folder, format + ".svg");
        var drawn = Tool.Ok("layout", format, "--svg", "-");

        var committed = File.Exists(path) ? File.ReadAllText(path).Replace("\r\n", "\n") : null;

        Assert.True(
            committed == drawn,
            $"docs/formats/{format}.svg is {(committed is null ? "missing" : "stale")}. Regenerate the drawings from the repository root with:\n{RegenerateCommand()}");
    }

    [Fact]
    public void Every_committed_svg_is_a_shipped_format()
    {
        var shipped = FormatCatalog.BuiltInOnly().Formats.Select(format => format.Name + ".svg").ToHashSet();
        var committed = Directory.GetFiles(Folder, "*.svg").Select(Path.GetFileName).ToList();

        Assert.All(committed, file => Assert.True(shipped.Contains(file!), $"docs/formats/{file} is not a shipped format any more; delete it"));
    }

    [Fact]
    public void Shipped_format_names_are_unique_so_each_gets_its_own_file()
    {
        var names = FormatCatalog.BuiltInOnly().Formats.Select(format => format.Name).ToList();

        Assert.Equal(names.Count, names.Distinct(System.StringComparer.OrdinalIgnoreCase).Count());
    }

    private static string RegenerateCommand() =>
        string.Join(
            "\n",
            FormatCatalog.BuiltInOnly().Formats.Select(format =>
                $"  dotnet run --project cli/Spte.Cli -- layout {format.Name} --svg docs/formats/{format.Name}.svg"));
}

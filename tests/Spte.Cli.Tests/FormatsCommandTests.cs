using Spte.Cli.Tests.Infrastructure;
using Xunit;

namespace Spte.Cli.Tests;

public sealed class FormatsCommandTests
{
    [Fact]
    public void Lists_the_runtime_formats_with_full_names_and_views()
    {
        var lines = Tool.Lines(Tool.Ok("formats"));

        Assert.Contains("EptSpte   Spte.Runtime.Formats.EptSpte   views NonLeaf, Leaf, LargeLeaf, Mmio  (built in)", lines);
        Assert.Contains("GuestPte  Spte.Runtime.Formats.GuestPte  no views  (built in)", lines);
        Assert.Contains("NptSpte   Spte.Runtime.Formats.NptSpte   views NonLeaf, Leaf, LargeLeaf, Mmio  (built in)", lines);
    }

    [Fact]
    public void Help_lists_every_command()
    {
        var help = Tool.Ok("--help");

        foreach (var command in new[] { "formats", "decode", "layout", "explain" })
        {
            Assert.Contains(command, help);
        }
    }
}

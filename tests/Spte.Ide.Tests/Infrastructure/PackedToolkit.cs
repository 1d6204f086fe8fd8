using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using Spte.Tests;
using Xunit;

namespace Spte.Ide.Tests.Infrastructure;

/// <summary>
/// The Spte.Toolkit package packed by this test run into a local feed, with .ci/package-check's
/// command, in the configuration the tests were built in.
/// </summary>
internal sealed record PackedToolkit(string Feed, string Nupkg, string Version)
{
    public const string Id = "Spte.Toolkit";

    /// <summary>Packs into <paramref name="feed"/> (which the pack creates); a failed pack fails the test with its output.</summary>
    public static async Task<PackedToolkit> PackAsync(string feed)
    {
        var configuration = typeof(PackedToolkit).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;

        // No build servers: an MSBuild node or compiler server left behind would outlive the test.
        var (exitCode, output) = await Dotnet.RunAsync(
            RepositoryRoot.Path, "pack", "runtime/Spte.Annotations/Spte.Annotations.csproj", "-c", configuration, "-o", feed, "--disable-build-servers");
        Assert.True(exitCode == 0, "dotnet pack of the toolkit failed:\n" + output);

        var nupkg = Assert.Single(Directory.GetFiles(feed, Id + ".*.nupkg"));
        return new PackedToolkit(feed, nupkg, Path.GetFileName(nupkg)[(Id.Length + 1)..^".nupkg".Length]);
    }
}

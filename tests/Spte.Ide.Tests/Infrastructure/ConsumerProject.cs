using System;
using System.IO;
using System.Threading.Tasks;
using Xunit;

namespace Spte.Ide.Tests.Infrastructure;

/// <summary>
/// A temp directory with a consumer project that takes the toolkit the way a user's project does,
/// by a PackageReference, from this run's packed feed alone and into its own packages folder, so
/// neither a stale copy of the same version in the machine's cache nor any other source can serve it.
/// </summary>
internal sealed class ConsumerProject : IDisposable
{
    private readonly string temp = Path.Combine(Path.GetTempPath(), "spte-ide-" + Guid.NewGuid().ToString("N"));

    public ConsumerProject()
    {
        Directory.CreateDirectory(Root);
    }

    /// <summary>The project directory (the LSP workspace root).</summary>
    public string Root => Path.Combine(temp, "consumer");

    /// <summary>Where <see cref="PackedToolkit.PackAsync"/> writes the package; the project's only restore source.</summary>
    public string Feed => Path.Combine(temp, "feed");

    /// <summary>The project's RestorePackagesPath.</summary>
    public string Packages => Path.Combine(temp, "packages");

    public string SourcePath => Path.Combine(Root, "Mmu.cs");

    public string AssetsPath => Path.Combine(Root, "obj", "project.assets.json");

    /// <summary>Writes the project for <paramref name="package"/> and restores it; a failed restore fails the test with its output.</summary>
    public async Task RestoreAsync(PackedToolkit package)
    {
        File.WriteAllText(Path.Combine(Root, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <OutputType>Library</OutputType>
                <Nullable>enable</Nullable>
                <RestorePackagesPath>{Packages}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{PackedToolkit.Id}" Version="{package.Version}" />
              </ItemGroup>
            </Project>
            """);

        // Only the feed: a net10.0 library needs nothing else (the SDK carries the targeting pack
        // and its analyzers), and no network source can answer for Spte.Toolkit or fail the restore.
        File.WriteAllText(Path.Combine(Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="spte-feed" value="{package.Feed}" />
              </packageSources>
            </configuration>
            """);

        var (exitCode, output) = await Dotnet.RunAsync(Root, "restore");
        Assert.True(exitCode == 0, "restore of the consumer from the packed feed failed:\n" + output);
    }

    public void Dispose() => Directory.Delete(temp, recursive: true);
}

using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using Xunit;

namespace Spte.Ide.Tests.Infrastructure;

/// <summary>
/// What the consumer's restore resolved Spte.Toolkit to, read from its obj/project.assets.json
/// (which the language server's project load reads too), so the test fails if the analyzers could
/// come from anywhere but this run's pack.
/// </summary>
internal static class RestoredToolkit
{
    private const string AnalyzerFile = "analyzers/dotnet/cs/Spte.Analyzers.dll";

    /// <summary>Asserts the restore took <paramref name="package"/> itself, with its analyzers, into the project's own packages folder.</summary>
    public static void AssertFromPack(ConsumerProject consumer, PackedToolkit package)
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(consumer.AssetsPath));
        var folder = Assert.Single(assets.RootElement.GetProperty("packageFolders").EnumerateObject()).Name;
        Assert.Equal(Path.TrimEndingDirectorySeparator(consumer.Packages), Path.TrimEndingDirectorySeparator(folder));

        var library = assets.RootElement.GetProperty("libraries").GetProperty($"{PackedToolkit.Id}/{package.Version}");

        // NuGet's package hash is the SHA-512 of the .nupkg: equal, it is the file this run packed.
        Assert.Equal(Convert.ToBase64String(SHA512.HashData(File.ReadAllBytes(package.Nupkg))), library.GetProperty("sha512").GetString());
        Assert.Contains(AnalyzerFile, library.GetProperty("files").EnumerateArray().Select(f => f.GetString()));

        var analyzer = Path.Combine(folder, library.GetProperty("path").GetString()!, AnalyzerFile);
        Assert.True(File.Exists(analyzer), analyzer + " is not in the restored package");
    }
}

using System.IO;
using System.Security;

namespace Spte.Benchmarks;

/// <summary>
/// Writes <see cref="ScaleSource"/> as a library project that references the attributes and the
/// generator by path (the DLLs next to this program), so a real <c>dotnet build</c> can report
/// the generator's time with <c>-p:ReportAnalyzer=true</c>.
/// </summary>
public static class ScaleProject
{
    /// <summary>Writes the project for <paramref name="formats"/> formats into <paramref name="directory"/>.</summary>
    public static void Write(string directory, int formats)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        foreach (var (path, text) in ScaleSource.Files(formats))
        {
            var file = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, text);
        }

        var annotations = SecurityElement.Escape(typeof(SpteFormatAttribute).Assembly.Location);
        var generator = SecurityElement.Escape(typeof(Generator.SpteGenerator).Assembly.Location);
        File.WriteAllText(Path.Combine(directory, "Scale.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <NoWarn>$(NoWarn);CS1591</NoWarn>
              </PropertyGroup>
              <ItemGroup>
                <Reference Include="{annotations}" />
                <Analyzer Include="{generator}" />
              </ItemGroup>
            </Project>
            """);

        // Keep the repository's Directory.Build/Packages files out if the directory is inside it.
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(directory, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(directory, "Directory.Packages.props"), "<Project />\n");
    }
}

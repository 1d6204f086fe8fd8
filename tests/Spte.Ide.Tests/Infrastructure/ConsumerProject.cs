using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Spte.Tests;

namespace Spte.Ide.Tests.Infrastructure;

/// <summary>
/// A consumer project in a temp directory. It takes the toolkit the way a packed consumer does
/// (attributes as a reference, generator and analyzers as analyzers), but from the dlls this
/// test project's build produced, not from a packed feed (see docs/ide.md).
/// </summary>
internal sealed class ConsumerProject : IDisposable
{
    public ConsumerProject()
    {
        Directory.CreateDirectory(Root);
        File.WriteAllText(System.IO.Path.Combine(Root, "Consumer.csproj"), Csproj());
    }

    public string Root { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "spte-ide-" + Guid.NewGuid().ToString("N"));

    public string SourcePath => System.IO.Path.Combine(Root, "Mmu.cs");

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private static string Csproj()
    {
        var configuration = typeof(ConsumerProject).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value;
        string Dll(string project, string name) =>
            System.IO.Path.Combine(RepositoryRoot.Path, project, "bin", configuration!, "netstandard2.0", name + ".dll");
        var annotations = System.IO.Path.Combine(AppContext.BaseDirectory, "Spte.Annotations.dll");
        return $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <OutputType>Library</OutputType>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <Reference Include="{annotations}" />
                <Analyzer Include="{Dll("generator/Spte.Generator", "Spte.Generator")}" />
                <Analyzer Include="{Dll("analyzers/Spte.Analyzers", "Spte.Analyzers")}" />
              </ItemGroup>
            </Project>
            """;
    }
}

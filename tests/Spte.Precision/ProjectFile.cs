using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;

namespace Spte.Precision;

/// <summary>
/// What the harness needs from one <c>.csproj</c> of a foreign repository: its sources, project
/// references and the few properties that change how it compiles. Read without MSBuild, because
/// these repositories' SDKs and NuGet packages are not all restorable here: the nearest
/// <c>Directory.Build.props</c>, then the project with its imports inlined, later values winning
/// and conditions ignored. Wrong guesses show up as compiler errors, which the report counts.
/// </summary>
internal sealed record ProjectFile(
    string Path,
    string Name,
    IReadOnlyList<string> Sources,
    IReadOnlyList<string> ProjectReferences,
    IReadOnlyDictionary<string, string> Properties,
    IReadOnlyList<string> Usings)
{
    /// <summary>Whether a property is on: <c>true</c> (AllowUnsafeBlocks) or <c>enable</c> (ImplicitUsings).</summary>
    public bool IsOn(string name) =>
        Properties.TryGetValue(name, out var value)
        && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("enable", StringComparison.OrdinalIgnoreCase));

    public static ProjectFile Read(string path, string root, ISet<string> projectDirectories)
    {
        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var usings = new List<string>();
        var references = new List<string>();
        if (NearestAbove(System.IO.Path.GetDirectoryName(path)!, root, "Directory.Build.props") is { } props)
        {
            Walk(props, properties, usings, references, depth: 0);
        }

        // Only the project's own ProjectReferences count; Directory.Build.props rarely adds any.
        references.Clear();
        Walk(path, properties, usings, references, depth: 0);
        var directory = System.IO.Path.GetDirectoryName(path)!;
        var name = properties.TryGetValue("AssemblyName", out var assembly) && assembly.Length > 0 && !assembly.Contains('$', StringComparison.Ordinal)
            ? assembly
            : System.IO.Path.GetFileNameWithoutExtension(path);
        return new ProjectFile(path, name, DefaultSources(directory, projectDirectories), references, properties, usings);
    }

    // The SDK's default Compile glob, less bin/obj and less folders that hold a project of their own.
    private static List<string> DefaultSources(string directory, ISet<string> projectDirectories)
    {
        var sources = new List<string>();
        var pending = new Stack<string>();
        pending.Push(directory);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            sources.AddRange(Directory.EnumerateFiles(current, "*.cs"));
            foreach (var child in Directory.EnumerateDirectories(current))
            {
                var leaf = System.IO.Path.GetFileName(child);
                if (leaf is not ("bin" or "obj") && !projectDirectories.Contains(child))
                {
                    pending.Push(child);
                }
            }
        }

        sources.Sort(StringComparer.Ordinal);
        return sources;
    }

    private static void Walk(string file, Dictionary<string, string> properties, List<string> usings, List<string> references, int depth)
    {
        // Imports may form cycles through ignored conditions; a real project nests a few levels.
        if (depth > 8 || !File.Exists(file))
        {
            return;
        }

        var directory = System.IO.Path.GetDirectoryName(file)!;
        foreach (var element in XDocument.Load(file).Root!.Elements())
        {
            switch (element.Name.LocalName)
            {
                case "Import" when element.Attribute("Project")?.Value is { } import && !import.Contains('$', StringComparison.Ordinal):
                    Walk(Resolve(directory, import), properties, usings, references, depth + 1);
                    break;
                case "PropertyGroup":
                    foreach (var property in element.Elements())
                    {
                        properties[property.Name.LocalName] = property.Value.Trim();
                    }

                    break;
                case "ItemGroup":
                    foreach (var item in element.Elements())
                    {
                        var include = item.Attribute("Include")?.Value;
                        if (include is null || item.Attribute("Static") is not null || item.Attribute("Alias") is not null)
                        {
                            continue;
                        }

                        if (item.Name.LocalName == "ProjectReference")
                        {
                            references.Add(Resolve(directory, include));
                        }
                        else if (item.Name.LocalName == "Using")
                        {
                            usings.Add(include);
                        }
                    }

                    break;
            }
        }
    }

    private static string Resolve(string directory, string relative) =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(directory, relative.Replace('\\', '/')));

    private static string? NearestAbove(string directory, string root, string fileName)
    {
        for (var current = directory; current is not null && current.StartsWith(root, StringComparison.Ordinal); current = System.IO.Path.GetDirectoryName(current))
        {
            var candidate = System.IO.Path.Combine(current, fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Every project under <paramref name="root"/>, referenced projects before the projects that reference them.</summary>
    public static IReadOnlyList<ProjectFile> ReadAll(string root)
    {
        var paths = Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var directories = paths.Select(p => System.IO.Path.GetDirectoryName(p)!).ToHashSet(StringComparer.Ordinal);
        var byPath = paths.ToDictionary(p => p, p => Read(p, root, directories), StringComparer.Ordinal);
        var ordered = new List<ProjectFile>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            Visit(path, byPath, visited, ordered);
        }

        return ordered;
    }

    private static void Visit(string path, Dictionary<string, ProjectFile> byPath, HashSet<string> visited, List<ProjectFile> ordered)
    {
        if (!byPath.TryGetValue(path, out var project) || !visited.Add(path))
        {
            return;
        }

        foreach (var reference in project.ProjectReferences)
        {
            Visit(reference, byPath, visited, ordered);
        }

        ordered.Add(project);
    }
}

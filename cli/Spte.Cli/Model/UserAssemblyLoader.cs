using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;

namespace Spte.Cli.Model;

/// <summary>
/// Loads a user's compiled assembly to read its formats. Each assembly gets its own load context
/// that resolves dependencies from the assembly's folder and otherwise falls back to spte's own
/// (framework, Spte.Annotations), so a library whose bin folder lacks Spte.Annotations.dll still
/// loads. Every failure becomes a <see cref="CliException"/> with one line of explanation.
/// </summary>
internal static class UserAssemblyLoader
{
    /// <summary>The <c>[SpteFormat]</c> types of the assembly at <paramref name="path"/>.</summary>
    public static IReadOnlyList<Type> LoadFormatTypes(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            throw new CliException($"assembly '{path}' is a directory; pass the .dll file");
        }

        if (!File.Exists(fullPath))
        {
            throw new CliException($"assembly '{path}' not found");
        }

        Assembly assembly;
        try
        {
            assembly = new FolderLoadContext(fullPath).LoadFromAssemblyPath(fullPath);
        }
        catch (BadImageFormatException)
        {
            throw new CliException($"'{path}' is not a .NET assembly");
        }
        catch (FileLoadException e)
        {
            throw new CliException($"cannot load assembly '{path}': {e.Message}");
        }

        var formats = LoadableTypes(assembly, path).Where(FormatReader.IsFormat).ToList();
        if (formats.Count == 0)
        {
            throw new CliException($"assembly '{path}' declares no [SpteFormat] types");
        }

        return formats;
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly, string path)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            // Types whose dependencies are missing cannot be read; formats rarely depend on
            // anything but Spte.Annotations, so keep the ones that loaded.
            return e.Types.Where(type => type is not null)!;
        }
        catch (FileNotFoundException e)
        {
            throw new CliException($"cannot read assembly '{path}': missing dependency {e.FileName}");
        }
    }

    /// <summary>Resolves a user assembly's dependencies from its own folder first.</summary>
    private sealed class FolderLoadContext : AssemblyLoadContext
    {
        private readonly string _directory;

        public FolderLoadContext(string assemblyPath)
            : base("spte:" + assemblyPath)
        {
            _directory = Path.GetDirectoryName(assemblyPath)!;
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var candidate = Path.Combine(_directory, assemblyName.Name + ".dll");
            return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
        }
    }
}

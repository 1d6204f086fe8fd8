using System;
using System.IO;

namespace Spte.Generator.Tests.Infrastructure;

/// <summary>Finds files of the repository from wherever the test assembly was built to.</summary>
internal static class RepoPaths
{
    /// <summary>The folder holding Toolkit.sln, found by walking up from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Toolkit.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Toolkit.sln not found above " + AppContext.BaseDirectory);
    }
}

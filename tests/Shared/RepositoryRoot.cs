using System;
using System.IO;

namespace Spte.Tests;

/// <summary>
/// The repository checkout the tests run from: the nearest directory above the test assembly with
/// Toolkit.sln. Linked into each test project that reads repository files (docs, snapshots, SVGs).
/// </summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Toolkit.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Toolkit.sln not found above " + AppContext.BaseDirectory);
    }
}

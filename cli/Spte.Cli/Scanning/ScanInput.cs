using System.IO;

namespace Spte.Cli.Scanning;

/// <summary>Opens what <c>scan</c> reads: a file, or stdin for '-'.</summary>
internal static class ScanInput
{
    /// <summary>The name errors and the summary use for <paramref name="path"/>.</summary>
    public static string NameOf(string path) => path == "-" ? "stdin" : path;

    /// <summary>Opens <paramref name="path"/>, or returns null for '-' (the caller reads stdin).</summary>
    /// <exception cref="CliException">The file does not exist or is a directory.</exception>
    public static FileStream? OpenFile(string path)
    {
        if (path == "-")
        {
            return null;
        }

        // Said here because File.OpenRead's messages do not name the command's argument.
        if (Directory.Exists(path))
        {
            throw new CliException($"'{path}' is a directory; pass a file of entries, or '-' for stdin");
        }

        if (!File.Exists(path))
        {
            throw new CliException($"file '{path}' not found");
        }

        return File.OpenRead(path);
    }
}

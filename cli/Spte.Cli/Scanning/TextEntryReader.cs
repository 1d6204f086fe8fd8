using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Spte.Cli.Decoding;

namespace Spte.Cli.Scanning;

/// <summary>Reads hex entries one per line; blank lines and '#' comments (whole-line or trailing) are skipped.</summary>
internal static class TextEntryReader
{
    /// <summary>The entries of <paramref name="input"/>, named <paramref name="name"/> in errors.</summary>
    /// <exception cref="CliException">A line that is not text, or not one hex entry; the message names the line.</exception>
    public static IEnumerable<ScannedEntry> Read(Stream input, string name)
    {
        // Not throwing on invalid UTF-8: a replacement character is reported with its line below.
        using var reader = new StreamReader(input, new UTF8Encoding(false, false), detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        var lineNumber = 0L;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.AsSpan().ContainsAny('\0', '\uFFFD'))
            {
                throw new CliException($"{name} line {lineNumber}: not a line of text (it holds a NUL or a non-UTF-8 byte); for a binary dump of tables use --binary");
            }

            var comment = line.IndexOf('#', StringComparison.Ordinal);
            var text = (comment < 0 ? line : line[..comment]).Trim();
            if (text.Length == 0)
            {
                continue;
            }

            yield return new ScannedEntry(Parse(text, name, lineNumber), lineNumber, 0, 0);
        }
    }

    private static ulong Parse(string text, string name, long lineNumber)
    {
        try
        {
            return HexValue.Parse(text);
        }
        catch (CliException e)
        {
            throw new CliException($"{name} line {lineNumber}: {e.Message}");
        }
    }
}

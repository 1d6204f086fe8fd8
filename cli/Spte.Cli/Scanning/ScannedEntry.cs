using System.Globalization;

namespace Spte.Cli.Scanning;

/// <summary>One raw entry read by <c>scan</c>, with where it was: a text line, or a table and entry of a binary dump.</summary>
/// <param name="Raw">The entry.</param>
/// <param name="Line">Its line (from 1) in a text input; 0 for a binary dump.</param>
/// <param name="Table">Its table (from 0) in a binary dump.</param>
/// <param name="Entry">Its index (0..511) in that table.</param>
internal readonly record struct ScannedEntry(ulong Raw, long Line, long Table, int Entry)
{
    /// <summary>"line 12", or "table 1 entry 17 (byte offset 0x1088)".</summary>
    public string Where => Line > 0
        ? "line " + Line.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"table {Table} entry {Entry} (byte offset 0x{(Table * BinaryEntryReader.TableBytes) + (Entry * sizeof(ulong)):X})");
}

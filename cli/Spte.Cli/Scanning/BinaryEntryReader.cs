using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace Spte.Cli.Scanning;

/// <summary>Reads a raw dump of page tables: whole 4096-byte tables of 512 little-endian 8-byte entries.</summary>
internal static class BinaryEntryReader
{
    /// <summary>The bytes of one table.</summary>
    public const int TableBytes = 4096;

    /// <summary>The entries of one table.</summary>
    public const int EntriesPerTable = TableBytes / sizeof(ulong);

    /// <summary>The entries of <paramref name="input"/>, named <paramref name="name"/> in errors.</summary>
    /// <exception cref="CliException">The dump ends inside a table; the message gives the byte offset.</exception>
    public static IEnumerable<ScannedEntry> Read(Stream input, string name)
    {
        var table = new byte[TableBytes];
        for (var index = 0L; ; index++)
        {
            var read = input.ReadAtLeast(table, TableBytes, throwOnEndOfStream: false);
            if (read == 0)
            {
                yield break;
            }

            // A short table means a truncated dump or the wrong file; guessing which entries are real would hide that.
            if (read < TableBytes)
            {
                var end = (index * TableBytes) + read;
                throw new CliException(
                    $"{name}: the dump ends at byte offset {end} (0x{end:X}), inside table {index} ({read} of its {TableBytes} bytes); " +
                    $"a binary dump is whole tables of {EntriesPerTable} little-endian 8-byte entries");
            }

            for (var entry = 0; entry < EntriesPerTable; entry++)
            {
                var raw = BinaryPrimitives.ReadUInt64LittleEndian(table.AsSpan(entry * sizeof(ulong)));
                yield return new ScannedEntry(raw, 0, index, entry);
            }
        }
    }
}

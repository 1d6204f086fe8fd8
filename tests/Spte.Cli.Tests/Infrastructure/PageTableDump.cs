using System;
using System.Buffers.Binary;

namespace Spte.Cli.Tests.Infrastructure;

/// <summary>Builds a raw dump of 512-entry tables, as a hypervisor's memory holds them (little-endian).</summary>
internal static class PageTableDump
{
    public static byte[] Tables(int count, ulong fill, params (int Table, int Entry, ulong Raw)[] entries)
    {
        var bytes = new byte[count * 4096];
        for (var offset = 0; offset < bytes.Length; offset += 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(offset), fill);
        }

        foreach (var (table, entry, raw) in entries)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((table * 4096) + (entry * 8)), raw);
        }

        return bytes;
    }
}

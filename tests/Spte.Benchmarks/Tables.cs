using System;
using System.Runtime.InteropServices;
using Spte.ZeroCost;

namespace Spte.Benchmarks;

/// <summary>
/// One 512-entry page table seen three ways: as generated entries, as bare <see cref="ulong"/>s
/// and as the hand-written struct twin. The span views share the same 4 KB, so a benchmark
/// comparing them compares code, not where the data happens to lie; the array copies feed the
/// zero-cost probes, which take arrays. Every third entry is present, the rest non-present.
/// </summary>
public sealed class Tables
{
    /// <summary>Entries in one page table.</summary>
    public const int Entries = 512;

    private readonly ulong[] raw = new ulong[Entries];

    /// <summary>Fills the table.</summary>
    public Tables()
    {
        for (var i = 0; i < Entries; i++)
        {
            raw[i] = i % 3 == 0
                ? ((ulong)i << UlongTwin.PfnShift) | UlongTwin.MmuPresentMask | ((ulong)EptMemoryType.WriteBack << UlongTwin.MemoryTypeShift) | 0x7
                : UlongTwin.NonPresentValue;
        }

        GeneratedArray = Generated.ToArray();
        StructArray = Structs.ToArray();
    }

    /// <summary>The table as generated entries.</summary>
    public Span<EptSpte> Generated => MemoryMarshal.Cast<ulong, EptSpte>(raw.AsSpan());

    /// <summary>The table as bare values.</summary>
    public Span<ulong> Ulongs => raw.AsSpan();

    /// <summary>The array behind every span view.</summary>
    public ulong[] UlongArray => raw;

    /// <summary>A copy of the table as an array of generated entries.</summary>
    public EptSpte[] GeneratedArray { get; }

    /// <summary>A copy of the table as an array of hand-written struct entries.</summary>
    public StructTwin[] StructArray { get; }

    /// <summary>The table as hand-written struct entries.</summary>
    public Span<StructTwin> Structs => MemoryMarshal.Cast<ulong, StructTwin>(raw.AsSpan());
}

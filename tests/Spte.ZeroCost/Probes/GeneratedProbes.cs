using System;
using System.Runtime.CompilerServices;
using Spte;

namespace Spte.ZeroCost;

/// <summary>
/// One out-of-line method per generated accessor. Accessors inline into their callers, so
/// each wrapper is the smallest unit whose machine code can be read and compared; the twins
/// in <see cref="UlongTwinProbes"/> and <see cref="StructTwinProbes"/> have the same names.
/// </summary>
public static partial class GeneratedProbes
{
    /// <summary>A single bit.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool Readable(EptSpte spte) => spte.Readable;

    /// <summary>The present test.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool IsPresent(EptSpte spte) => spte.IsPresent;

    /// <summary>An enum-typed run.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static EptMemoryType MemoryType(EptSpte.Leaf spte) => spte.MemoryType;

    /// <summary>A 40-bit run.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Pfn(EptSpte.Leaf spte) => spte.Pfn;

    /// <summary>A run read through the view conversion.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    [Twins("Pfn")]
    public static ulong AsLeafPfn(EptSpte spte) => spte.AsLeaf.Pfn;

    /// <summary>A field split over two runs.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static uint Generation(EptSpte.Mmio spte) => spte.Generation;

    /// <summary>A single bit replaced (no range check: a bool always fits).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static EptSpte WithReadable(EptSpte spte, bool value) => spte.WithReadable(value);

    /// <summary>A run replaced, range-checked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static EptSpte.Leaf WithPfn(EptSpte.Leaf spte, ulong pfn) => spte.WithPfn(pfn);

    /// <summary>An enum run replaced, range-checked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static EptSpte.Leaf WithMemoryType(EptSpte.Leaf spte, EptMemoryType type) => spte.WithMemoryType(type);

    /// <summary>A split field replaced, range-checked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static EptSpte.Mmio WithGeneration(EptSpte.Mmio spte, uint generation) => spte.WithGeneration(generation);

    /// <summary>A table refilled with the non-present value (KVM's zap of a whole table).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void FillNonPresent(EptSpte[] table) => table.AsSpan().Fill(EptSpte.NonPresent);

    /// <summary>A fresh table of non-present entries (the JIT keeps <c>NewTable</c> out of line; the test reads its own listing).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static EptSpte[] NewTable(int entries) => EptSpte.NewTable(entries);

    /// <summary>Present entries in a table (512 entries in the probe run).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int CountPresent(EptSpte[] table)
    {
        var count = 0;
        foreach (var spte in table)
        {
            if (spte.IsPresent)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// The same count written once over any format, as MMU code is: the JIT compiles a copy per
    /// struct format, so <c>T.IsPresent</c> must cost what <c>EptSpte.IsPresent</c> does.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int CountPresentOf<T>(T[] table)
        where T : struct, ISpte<T>
    {
        var count = 0;
        foreach (var spte in table)
        {
            if (spte.IsPresent)
            {
                count++;
            }
        }

        return count;
    }
}

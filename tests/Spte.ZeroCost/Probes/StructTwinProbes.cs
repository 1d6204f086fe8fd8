using System;
using System.Runtime.CompilerServices;

namespace Spte.ZeroCost;

/// <summary>The <see cref="GeneratedProbes"/> written over the hand-written <see cref="StructTwin"/>.</summary>
public static class StructTwinProbes
{
    /// <summary>A single bit.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool Readable(StructTwin spte) => spte.Readable;

    /// <summary>The present test.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool IsPresent(StructTwin spte) => spte.IsPresent;

    /// <summary>An enum-typed run.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static EptMemoryType MemoryType(StructTwin spte) => spte.MemoryType;

    /// <summary>A 40-bit run.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Pfn(StructTwin spte) => spte.Pfn;

    /// <summary>The same run: the twin has no views.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong AsLeafPfn(StructTwin spte) => spte.Pfn;

    /// <summary>A field split over two runs.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static uint Generation(StructTwin spte) => spte.Generation;

    /// <summary>A single bit replaced.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static StructTwin WithReadable(StructTwin spte, bool value) => spte.WithReadable(value);

    /// <summary>A run replaced, range-checked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static StructTwin WithPfn(StructTwin spte, ulong pfn) => spte.WithPfn(pfn);

    /// <summary>An enum run replaced, range-checked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static StructTwin WithMemoryType(StructTwin spte, EptMemoryType type) => spte.WithMemoryType(type);

    /// <summary>A split field replaced, range-checked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static StructTwin WithGeneration(StructTwin spte, uint generation) => spte.WithGeneration(generation);

    /// <summary>A table refilled with the non-present value (KVM's zap of a whole table).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void FillNonPresent(StructTwin[] table) => table.AsSpan().Fill(StructTwin.NonPresent);

    /// <summary>A fresh table of non-present entries (the JIT keeps <c>NewTable</c> out of line; the test reads its own listing).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static StructTwin[] NewTable(int entries) => StructTwin.NewTable(entries);

    /// <summary>Present entries in a table.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int CountPresent(StructTwin[] table)
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

using System;
using System.Runtime.CompilerServices;

namespace Spte.ZeroCost;

/// <summary>The <see cref="GeneratedProbes"/> written over a bare <see cref="ulong"/>, KVM-style.</summary>
public static class UlongTwinProbes
{
    /// <summary>A single bit.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool Readable(ulong spte) => UlongTwin.Readable(spte);

    /// <summary>The present test.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool IsPresent(ulong spte) => UlongTwin.IsPresent(spte);

    /// <summary>An enum-typed run.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static EptMemoryType MemoryType(ulong spte) => UlongTwin.MemoryType(spte);

    /// <summary>A 40-bit run.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Pfn(ulong spte) => UlongTwin.Pfn(spte);

    /// <summary>The same run: a bare value has no view to convert to.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong AsLeafPfn(ulong spte) => UlongTwin.Pfn(spte);

    /// <summary>A field split over two runs.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static uint Generation(ulong spte) => UlongTwin.Generation(spte);

    /// <summary>A single bit replaced.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithReadable(ulong spte, bool value) => UlongTwin.WithReadable(spte, value);

    /// <summary>A run replaced, range-checked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithPfn(ulong spte, ulong pfn) => UlongTwin.WithPfn(spte, pfn);

    /// <summary>An enum run replaced, range-checked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithMemoryType(ulong spte, EptMemoryType type) => UlongTwin.WithMemoryType(spte, type);

    /// <summary>A split field replaced, range-checked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithGeneration(ulong spte, uint generation) => UlongTwin.WithGeneration(spte, generation);

    /// <summary>The split field replaced in KVM's shift-then-mask spelling.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithGenerationKvmOrder(ulong spte, uint generation) => UlongTwin.WithGenerationKvmOrder(spte, generation);

    /// <summary>A table refilled with the non-present value (KVM's zap of a whole table).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void FillNonPresent(ulong[] table) => table.AsSpan().Fill(UlongTwin.NonPresentValue);

    /// <summary>A fresh table of non-present entries (the JIT keeps <c>NewTable</c> out of line; the test reads its own listing).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong[] NewTable(int entries) => UlongTwin.NewTable(entries);

    /// <summary>Present entries in a table.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int CountPresent(ulong[] table)
    {
        var count = 0;
        foreach (var spte in table)
        {
            if (UlongTwin.IsPresent(spte))
            {
                count++;
            }
        }

        return count;
    }
}

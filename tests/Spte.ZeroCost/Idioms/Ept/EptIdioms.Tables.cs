using System;
using System.Runtime.CompilerServices;
using static Spte.ZeroCost.UlongTwin;

namespace Spte.ZeroCost;

/// <summary>The table probes' twins: a <see cref="ulong"/> table filled and counted by hand.</summary>
public static partial class EptIdioms
{
    /// <summary>The framework's span fill.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void FillNonPresentOf_Span(ulong[] table) => table.AsSpan().Fill(NonPresentValue);

    /// <summary>The framework's span fill, as the non-generic probe calls it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void FillNonPresent_Span(ulong[] table) => table.AsSpan().Fill(NonPresentValue);

    /// <summary>
    /// A call to the out-of-line twin <see cref="UlongTwin.NewTable"/>, as the probe calls
    /// <c>EptSpte.NewTable</c>; the two callees' own listings are compared by
    /// <c>TableCodeDiffersFromTheTwinsOnlyInTheTypeItNames</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong[] NewTable_Uninitialized(int entries) => UlongTwin.NewTable(entries);

    /// <summary>The present bit tested in place.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int CountPresentOf_Mask(ulong[] table) => Count(table);

    /// <summary>The present bit tested in place, as the non-generic probe counts.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int CountPresent_Mask(ulong[] table) => Count(table);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Count(ulong[] table)
    {
        var count = 0;
        foreach (var spte in table)
        {
            if ((spte & MmuPresentMask) != 0)
            {
                count++;
            }
        }

        return count;
    }
}

using System;
using System.Runtime.CompilerServices;
using Spte;

namespace Spte.ZeroCost;

/// <summary>
/// Table code written once over <see cref="ISpte{T}"/>, as MMU code is; the JIT compiles one copy
/// per format, and <see cref="ProbeCatalog"/> compares each copy with that format's twins.
/// </summary>
public static class TableProbes
{
    /// <summary>A table refilled with the non-present value (KVM's zap of a whole table).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void FillNonPresentOf<T>(T[] table)
        where T : struct, ISpte<T> =>
        table.AsSpan().Fill(T.NonPresent);

    /// <summary>Present entries in a table.</summary>
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

using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Spte.Runtime.Mmu;

/// <summary>Thread-safe counters indexed by an enum, readable at any time.</summary>
/// <typeparam name="TStat">The enum naming the counters (an <see cref="int"/>-based enum numbered from 0).</typeparam>
public sealed class StatCounters<TStat>
    where TStat : struct, Enum
{
    private readonly long[] _values = new long[Enum.GetValues<TStat>().Length];

    /// <summary>The current value of <paramref name="stat"/>.</summary>
    public long this[TStat stat] => Volatile.Read(ref _values[Index(stat)]);

    /// <summary>Every counter's current value, in declaration order.</summary>
    public IReadOnlyList<KeyValuePair<TStat, long>> Snapshot()
    {
        var list = new List<KeyValuePair<TStat, long>>();
        foreach (var stat in Enum.GetValues<TStat>())
        {
            list.Add(new(stat, this[stat]));
        }

        return list;
    }

    internal void Increment(TStat stat) => Interlocked.Increment(ref _values[Index(stat)]);

    internal void Add(TStat stat, long delta) => Interlocked.Add(ref _values[Index(stat)], delta);

    private static int Index(TStat stat) => Unsafe.As<TStat, int>(ref stat);
}

using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Spte.Runtime.Kernel;

/// <summary>Thread-safe counters indexed by an enum, readable at any time.</summary>
/// <typeparam name="TStat">The enum naming the counters (an <see cref="int"/>-based enum numbered from 0).</typeparam>
/// <remarks>
/// Like KVM's <c>vcpu-&gt;stat</c>, each thread (a vCPU) counts into its own array with plain
/// stores, and a read sums the arrays: no counted event pays an interlocked operation or shares
/// a cache line with another thread's. A read taken while other threads count sees each of
/// their counters at some recent value, as reading KVM's per-vCPU stats does.
/// </remarks>
public sealed class StatCounters<TStat>
    where TStat : struct, Enum
{
    private static readonly int Count = Enum.GetValues<TStat>().Length;

    /// <summary>This thread's arrays of every instance it counted into; weak, so a dropped instance's go with it.</summary>
    [ThreadStatic]
    private static ConditionalWeakTable<StatCounters<TStat>, long[]>? t_byInstance;

    private readonly object _lock = new();

    /// <summary>Every thread's array (copy-on-write under <see cref="_lock"/>); a finished thread's stays, its counts still count.</summary>
    private long[][] _perThread = [];

    /// <summary>The current value of <paramref name="stat"/>: the sum over every thread that counted it.</summary>
    public long this[TStat stat]
    {
        get
        {
            var index = Index(stat);
            var sum = 0L;
            foreach (var values in Volatile.Read(ref _perThread))
            {
                sum += Volatile.Read(ref values[index]);
            }

            return sum;
        }
    }

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Increment(TStat stat) => Add(stat, 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Add(TStat stat, long delta)
    {
        var values = ReferenceEquals(StatCountersThread.Owner, this) ? StatCountersThread.Values!
            : ReferenceEquals(StatCountersThread.PreviousOwner, this) ? StatCountersThread.PreviousValues! : Mine();
        ref var value = ref values[Index(stat)];
        Volatile.Write(ref value, value + delta);
    }

    /// <summary>The calling thread's array for this instance, created and registered on its first count.</summary>
    private long[] Mine()
    {
        var byInstance = t_byInstance ??= new ConditionalWeakTable<StatCounters<TStat>, long[]>();
        if (!byInstance.TryGetValue(this, out var values))
        {
            values = new long[Count];
            lock (_lock)
            {
                Volatile.Write(ref _perThread, [.. _perThread, values]);
            }

            byInstance.Add(this, values);
        }

        StatCountersThread.PreviousOwner = StatCountersThread.Owner;
        StatCountersThread.PreviousValues = StatCountersThread.Values;
        StatCountersThread.Owner = this;
        StatCountersThread.Values = values;
        return values;
    }

    private static int Index(TStat stat) => Unsafe.As<TStat, int>(ref stat);
}

/// <summary>
/// The calling thread's arrays of the two <see cref="StatCounters{TStat}"/> instances it counted
/// into last (a vCPU thread alternates between its MMU's and its own). Kept out of the generic
/// class: a thread static of a generic type is reached through a runtime helper call, one of a
/// plain class with an inlined TLS read.
/// </summary>
internal static class StatCountersThread
{
    [ThreadStatic]
    internal static object? Owner;

    [ThreadStatic]
    internal static long[]? Values;

    [ThreadStatic]
    internal static object? PreviousOwner;

    [ThreadStatic]
    internal static long[]? PreviousValues;
}

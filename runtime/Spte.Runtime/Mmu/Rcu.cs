using System;
using System.Collections.Generic;
using System.Threading;

namespace Spte.Runtime.Mmu;

/// <summary>
/// A small RCU for page-table pages. Walkers (faults, zaps, the simulated CPU) read tables
/// inside a read-side section; a table unlinked from the tree is queued with
/// <see cref="CallRcu"/> and freed only after every section that could still see it has ended
/// (KVM's <c>call_rcu(&amp;sp-&gt;rcu_head, tdp_mmu_free_sp_rcu_callback)</c>).
/// </summary>
/// <remarks>
/// Two epochs alternate. A reader counts itself in the current epoch. Callbacks queued during
/// an epoch run once that epoch has been closed (the current epoch moved on) and its readers
/// have all left: those readers are the only ones that started before the unlink.
/// </remarks>
public sealed class Rcu
{
    private readonly object _lock = new();
    private readonly int[] _readers = new int[2];
    private readonly List<Action>[] _callbacks = [[], []];
    private readonly ThreadLocal<int> _depth = new(() => 0);
    private int _epoch;

    /// <summary>Callbacks queued and not yet run.</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _callbacks[0].Count + _callbacks[1].Count;
            }
        }
    }

    /// <summary>Whether the calling thread is inside a read-side section.</summary>
    public bool InReadSection => _depth.Value > 0;

    /// <summary><c>rcu_read_lock</c>: enters a read-side section; dispose the result to leave it.</summary>
    public ReadSection ReadLock()
    {
        while (true)
        {
            var epoch = Volatile.Read(ref _epoch);
            Interlocked.Increment(ref _readers[epoch]);
            if (Volatile.Read(ref _epoch) == epoch)
            {
                _depth.Value++;
                return new ReadSection(this, epoch);
            }

            // The epoch moved between the read and the count: count in the new one instead.
            Interlocked.Decrement(ref _readers[epoch]);
        }
    }

    /// <summary><c>call_rcu</c>: runs <paramref name="callback"/> after a grace period.</summary>
    public void CallRcu(Action callback)
    {
        lock (_lock)
        {
            _callbacks[_epoch].Add(callback);
        }
    }

    /// <summary>
    /// Runs what a grace period allows without waiting: callbacks of a closed epoch whose
    /// readers have left, and closes the current epoch when the previous one is empty.
    /// </summary>
    /// <returns>The number of callbacks run.</returns>
    public int Poll()
    {
        var run = 0;
        for (var round = 0; round < 2; round++)
        {
            List<Action> ready;
            lock (_lock)
            {
                var previous = 1 - _epoch;
                if (Volatile.Read(ref _readers[previous]) != 0)
                {
                    break;
                }

                ready = _callbacks[previous];
                _callbacks[previous] = [];
                Volatile.Write(ref _epoch, previous);
            }

            foreach (var callback in ready)
            {
                callback();
            }

            run += ready.Count;
        }

        return run;
    }

    /// <summary><c>rcu_barrier</c>: waits until every queued callback has run.</summary>
    /// <exception cref="InvalidOperationException">Called from inside a read-side section, which would wait for itself.</exception>
    public void Barrier()
    {
        if (InReadSection)
        {
            throw new InvalidOperationException("rcu_barrier inside an RCU read-side section would wait for itself.");
        }

        var spin = default(SpinWait);
        while (Pending > 0)
        {
            if (Poll() == 0)
            {
                spin.SpinOnce();
            }
        }
    }

    private void ReadUnlock(int epoch)
    {
        _depth.Value--;
        Interlocked.Decrement(ref _readers[epoch]);
    }

    /// <summary>An open read-side section; <see cref="Dispose"/> is <c>rcu_read_unlock</c>.</summary>
    public readonly struct ReadSection : IDisposable
    {
        private readonly Rcu _rcu;
        private readonly int _epoch;

        internal ReadSection(Rcu rcu, int epoch)
        {
            _rcu = rcu;
            _epoch = epoch;
        }

        /// <summary>Leaves the section.</summary>
        public void Dispose() => _rcu.ReadUnlock(_epoch);
    }
}

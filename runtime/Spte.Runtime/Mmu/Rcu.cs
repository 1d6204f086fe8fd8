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
    /// <summary>
    /// Read-side nesting of the calling thread, over every <see cref="Rcu"/>: as in the kernel,
    /// where there is one RCU, "inside a read-side section" is a property of the thread. A
    /// thread-static field is a plain TLS access, where a <c>ThreadLocal</c> lookup was the
    /// dearest part of a section.
    /// </summary>
    [ThreadStatic]
    private static int t_depth;

    private readonly object _lock = new();
    private readonly int[] _readers = new int[2];
    private readonly List<Action>[] _callbacks = [[], []];
    private List<Action>? _spare = [];
    private int _pending;
    private int _epoch;

    /// <summary>Callbacks queued and not yet run.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Whether the calling thread is inside a read-side section (of this or any other <see cref="Rcu"/>).</summary>
    public bool InReadSection => t_depth > 0;

    /// <summary><c>rcu_read_lock</c>: enters a read-side section; dispose the result to leave it.</summary>
    public ReadSection ReadLock()
    {
        while (true)
        {
            var epoch = Volatile.Read(ref _epoch);
            Interlocked.Increment(ref _readers[epoch]);
            if (Volatile.Read(ref _epoch) == epoch)
            {
                t_depth++;
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
            Interlocked.Increment(ref _pending);
        }
    }

    /// <summary>
    /// Runs what a grace period allows without waiting: callbacks of a closed epoch whose
    /// readers have left, and closes the current epoch when the previous one is empty.
    /// </summary>
    /// <returns>The number of callbacks run.</returns>
    public int Poll()
    {
        // Nothing queued: skip the epoch flip too. A flip only ages callbacks; one queued later
        // goes into the epoch current then and still waits for that epoch to close and drain,
        // and the close itself waits for the other epoch's readers, so every reader that could
        // have seen the unlinked table is waited for whether or not earlier flips happened.
        // A CallRcu racing with this read is simply left to the next poll.
        if (Volatile.Read(ref _pending) == 0)
        {
            return 0;
        }

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

                // The closed epoch becomes the current one, so its list must be swapped for an
                // empty one before the lock is released; the spare comes back once run, so a
                // poll allocates only when another poll holds the spare.
                ready = _callbacks[previous];
                _callbacks[previous] = _spare ?? [];
                _spare = null;
                Interlocked.Add(ref _pending, -ready.Count);
                Volatile.Write(ref _epoch, previous);
            }

            foreach (var callback in ready)
            {
                callback();
            }

            run += ready.Count;
            ready.Clear();
            lock (_lock)
            {
                _spare = ready;
            }
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
        t_depth--;
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

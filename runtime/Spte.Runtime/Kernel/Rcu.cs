using System;
using System.Collections.Generic;
using System.Threading;

namespace Spte.Runtime.Kernel;

/// <summary>
/// A small RCU for page-table pages. Walkers (faults, zaps, the simulated CPU) read tables
/// inside a read-side section; a table unlinked from the tree is queued with
/// <see cref="CallRcu"/> and freed only after every section that could still see it has ended
/// (KVM's <c>call_rcu(&amp;sp-&gt;rcu_head, tdp_mmu_free_sp_rcu_callback)</c>).
/// </summary>
/// <remarks>
/// Readers write only their own thread's record (liburcu's per-thread reader registry): the
/// outermost <see cref="ReadLock"/> stores the current grace-period counter into it with one
/// exchange (the full fence that orders the store before the section's reads), and leaving
/// stores 0. No reader writes a shared word. A poll starts a grace period by advancing the
/// counter (also a full fence, after the unlink that queued the callbacks) and the callbacks
/// run once no record holds an older counter. Either a reader's fenced store is seen by that
/// scan, or the reader's fence came later and its reads see the unlink: the Dekker argument
/// both fences make. The records, like the kernel's one RCU, are shared by every instance.
/// </remarks>
internal sealed class Rcu
{
    /// <summary>The grace-period counter; 0 in a record means "not inside a section".</summary>
    private static long s_gpCounter = 1;

    /// <summary>Every thread's record that ever read (copy-on-write under <see cref="s_registryLock"/>).</summary>
    private static ReaderRecord[] s_readers = [];

    private static readonly object s_registryLock = new();

    /// <summary>The calling thread's record: a thread-static field is a plain TLS access.</summary>
    [ThreadStatic]
    private static ReaderRecord? t_reader;

    private readonly object _lock = new();
    private List<Action> _next = [];
    private List<Action> _waiting = [];
    private List<Action>? _spare = [];
    private long _waitingGp;
    private int _pending;

    /// <summary>Callbacks queued and not yet run.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Whether the calling thread is inside a read-side section (of this or any other <see cref="Rcu"/>).</summary>
    public bool InReadSection => t_reader is { Depth: > 0 };

    /// <summary><c>rcu_read_lock</c>: enters a read-side section; dispose the result to leave it.</summary>
    public ReadSection ReadLock()
    {
        var reader = t_reader ?? Register();
        if (reader.Depth++ == 0)
        {
            Interlocked.Exchange(ref reader.Counter, Volatile.Read(ref s_gpCounter));
        }

        return new ReadSection(reader);
    }

    /// <summary>
    /// <c>rcu_read_unlock</c> of the calling thread's only section, for a walk that drops its
    /// locks in the middle; <see cref="ResumeReadSection"/> is the <c>rcu_read_lock</c> after.
    /// Tables unlinked in between may be freed, so the walk must restart from its root.
    /// </summary>
    /// <returns>False, and nothing changes, when the section is nested: an outer one still pins every table.</returns>
    public static bool PauseReadSection()
    {
        if (t_reader is not { Depth: 1 } reader)
        {
            return false;
        }

        Volatile.Write(ref reader.Counter, 0);
        return true;
    }

    /// <summary>Re-enters the section <see cref="PauseReadSection"/> left, as a new one.</summary>
    public static void ResumeReadSection() =>
        Interlocked.Exchange(ref t_reader!.Counter, Volatile.Read(ref s_gpCounter));

    /// <summary><c>call_rcu</c>: runs <paramref name="callback"/> after a grace period.</summary>
    public void CallRcu(Action callback)
    {
        lock (_lock)
        {
            _next.Add(callback);
            Interlocked.Increment(ref _pending);
        }
    }

    /// <summary>
    /// Runs what a grace period allows without waiting: the waiting batch once every reader
    /// that predates its grace period has left, then starts a grace period for what was queued
    /// since (and runs that too when no older reader is inside).
    /// </summary>
    /// <returns>The number of callbacks run.</returns>
    public int Poll()
    {
        // Nothing queued: no lock, no scan, no new grace period. A CallRcu racing with this read
        // is simply left to the next poll.
        if (Volatile.Read(ref _pending) == 0)
        {
            return 0;
        }

        var run = 0;
        for (var round = 0; round < 2; round++)
        {
            List<Action>? ready = null;
            lock (_lock)
            {
                if (_waiting.Count == 0 && _next.Count > 0)
                {
                    // Every callback in _next was queued after its unlink, so the counter value
                    // taken here (a fenced increment) is later than the unlinks.
                    (_waiting, _next) = (_next, _waiting);
                    _waitingGp = Interlocked.Increment(ref s_gpCounter);
                }

                if (_waiting.Count > 0 && !AnyReaderOlderThan(_waitingGp))
                {
                    // The spare comes back once run, so a poll allocates only when another poll holds it.
                    ready = _waiting;
                    _waiting = _spare ?? [];
                    _spare = null;
                    Interlocked.Add(ref _pending, -ready.Count);
                }
            }

            if (ready is null)
            {
                break;
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

    /// <summary>Whether a thread is inside a section it entered before grace period <paramref name="gp"/> began.</summary>
    private static bool AnyReaderOlderThan(long gp)
    {
        foreach (var reader in Volatile.Read(ref s_readers))
        {
            var counter = Volatile.Read(ref reader.Counter);
            if (counter != 0 && counter < gp)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The calling thread's first section: a record, reusing one a finished thread left (it holds 0).</summary>
    private static ReaderRecord Register()
    {
        lock (s_registryLock)
        {
            foreach (var old in s_readers)
            {
                if (!old.Owner.IsAlive && old.Depth == 0)
                {
                    old.Owner = Thread.CurrentThread;
                    return t_reader = old;
                }
            }

            var reader = new ReaderRecord(Thread.CurrentThread);
            Volatile.Write(ref s_readers, [.. s_readers, reader]);
            return t_reader = reader;
        }
    }

    /// <summary>One thread's read-side state (liburcu's <c>struct urcu_reader</c>).</summary>
    internal sealed class ReaderRecord(Thread owner)
    {
        /// <summary>The grace-period counter when the outermost section began; 0 outside. Written by the owner only.</summary>
        public long Counter;

        /// <summary>Nesting depth; read and written by the owner only.</summary>
        public int Depth;

        /// <summary>The thread that writes this record; a dead owner's record is handed to the next new reader.</summary>
        public Thread Owner = owner;
    }

    /// <summary>An open read-side section; <see cref="Dispose"/> is <c>rcu_read_unlock</c>.</summary>
    public readonly struct ReadSection : IDisposable
    {
        private readonly ReaderRecord _reader;

        internal ReadSection(ReaderRecord reader) => _reader = reader;

        /// <summary>Leaves the section: the outermost one publishes 0, after the section's reads (a release store).</summary>
        public void Dispose()
        {
            if (--_reader.Depth == 0)
            {
                Volatile.Write(ref _reader.Counter, 0);
            }
        }
    }
}

using System;
using System.Threading;

namespace Spte.Runtime.Kernel;

/// <summary>
/// KVM's <c>kvm-&gt;mmu_lock</c>, an <c>rwlock_t</c> on x86 with the TDP MMU: faults take it
/// for read and run concurrently, zaps and other tree-wide changes take it for write. Like the
/// kernel's queued rwlock it prefers writers: once a writer waits, new readers wait behind it.
/// </summary>
/// <remarks>
/// Readers write only their own thread's record (a per-CPU reader count, as in the kernel's
/// percpu rwsem): entering is one exchange on the record (the full fence that orders it before
/// the read of the writer flag), leaving a release store. A writer raises the flag with an
/// exchange and then waits until every record reads "outside". Either the writer's scan sees a
/// reader's fenced store, or the reader's fence came later and it sees the flag and backs out:
/// the Dekker argument both fences make. Not recursive, as the kernel's is not: a thread that
/// holds it must not take it again.
/// </remarks>
internal sealed class MmuLock
{
    /// <summary>The lock this thread entered for read last, whose record is <see cref="t_record"/>.</summary>
    [ThreadStatic]
    private static MmuLock? t_lock;

    [ThreadStatic]
    private static ReaderRecord? t_record;

    /// <summary>Orders writers among themselves; readers never touch it.</summary>
    private readonly object _writers = new();

    /// <summary>Guards additions to <see cref="_readers"/>.</summary>
    private readonly object _registry = new();

    /// <summary>Every thread's record that ever read this lock (copy-on-write under <see cref="_registry"/>).</summary>
    private ReaderRecord[] _readers = [];

    /// <summary>1 while a writer holds the lock or waits for the readers to leave.</summary>
    private int _writer;

    /// <summary>Readers held back by a writer, and writers queued behind another: the lock's waiters.</summary>
    private int _readersWaiting;

    private int _writersWaiting;

    /// <summary>Whether a writer holds the lock or waits for the readers to leave.</summary>
    internal bool WriterPending => Volatile.Read(ref _writer) != 0;

    /// <summary>Threads that have a reader record here (each reads through its own).</summary>
    internal int ReaderRecords => Volatile.Read(ref _readers).Length;

    /// <summary>Threads inside for read now (or trying to enter).</summary>
    internal int ReadersInside
    {
        get
        {
            var inside = 0;
            foreach (var record in Volatile.Read(ref _readers))
            {
                inside += Volatile.Read(ref record.Inside);
            }

            return inside;
        }
    }

    /// <summary><c>read_lock</c>.</summary>
    /// <returns>The calling thread's record, which <see cref="ExitRead(ReaderRecord)"/> takes to unlock without looking it up again.</returns>
    public ReaderRecord EnterRead()
    {
        var record = ReferenceEquals(t_lock, this) ? t_record! : Record();
        Interlocked.Exchange(ref record.Inside, 1);
        if (Volatile.Read(ref _writer) != 0)
        {
            EnterReadContended(record);
        }

        return record;
    }

    /// <summary><c>read_unlock</c> with the record <see cref="EnterRead"/> returned: a release store, after the section's reads and writes.</summary>
    public static void ExitRead(ReaderRecord record) => Volatile.Write(ref record.Inside, 0);

    /// <summary>
    /// <c>rwlock_needbreak</c> for the holder: someone waits for the lock — a writer, when it is
    /// held for read (<paramref name="shared"/>); anyone, when it is held for write.
    /// </summary>
    public bool NeedBreak(bool shared) =>
        shared ? WriterPending : Volatile.Read(ref _readersWaiting) + Volatile.Read(ref _writersWaiting) != 0;

    /// <summary>
    /// <c>cond_resched_rwlock_read</c>: the calling thread, which holds the lock for read, steps
    /// out and enters again. A pending writer goes first, since new readers wait behind it.
    /// </summary>
    public void YieldRead()
    {
        var record = ReferenceEquals(t_lock, this) ? t_record! : Record();
        ExitRead(record);
        EnterRead();
    }

    /// <summary>
    /// <c>cond_resched_rwlock_write</c>: the calling thread, which holds the lock for write,
    /// unlocks, waits until the waiters it saw have had their turn (at least one of each kind got
    /// in), and locks again.
    /// </summary>
    public void YieldWrite()
    {
        var readers = Volatile.Read(ref _readersWaiting);
        var writers = Volatile.Read(ref _writersWaiting);
        ExitWrite();
        var spin = default(SpinWait);
        while ((readers != 0 && Volatile.Read(ref _readersWaiting) >= readers)
            || (writers != 0 && Volatile.Read(ref _writersWaiting) >= writers))
        {
            spin.SpinOnce();
        }

        EnterWrite();
    }

    /// <summary><c>write_lock</c>: waits out the other writers, then the readers already inside.</summary>
    public void EnterWrite()
    {
        if (!Monitor.TryEnter(_writers))
        {
            Interlocked.Increment(ref _writersWaiting);
            Monitor.Enter(_writers);
            Interlocked.Decrement(ref _writersWaiting);
        }

        Interlocked.Exchange(ref _writer, 1);
        var spin = default(SpinWait);
        foreach (var record in Volatile.Read(ref _readers))
        {
            while (Volatile.Read(ref record.Inside) != 0)
            {
                spin.SpinOnce();
            }
        }
    }

    /// <summary><c>write_unlock</c>.</summary>
    public void ExitWrite()
    {
        Volatile.Write(ref _writer, 0);
        Monitor.Exit(_writers);
    }

    /// <summary>A writer is in or waiting: step out so it can proceed, wait for it, and enter again.</summary>
    private void EnterReadContended(ReaderRecord record)
    {
        Interlocked.Increment(ref _readersWaiting);
        var spin = default(SpinWait);
        do
        {
            Volatile.Write(ref record.Inside, 0);
            while (Volatile.Read(ref _writer) != 0)
            {
                spin.SpinOnce();
            }

            Interlocked.Exchange(ref record.Inside, 1);
        }
        while (Volatile.Read(ref _writer) != 0);
        Interlocked.Decrement(ref _readersWaiting);
    }

    /// <summary>
    /// The calling thread's record here, made the thread's cached one: found, taken over from a
    /// finished thread (it reads "outside"), or added.
    /// </summary>
    private ReaderRecord Record()
    {
        var thread = Thread.CurrentThread;
        ReaderRecord? record = null;
        foreach (var candidate in Volatile.Read(ref _readers))
        {
            if (candidate.Owner == thread)
            {
                record = candidate;
                break;
            }
        }

        if (record is null)
        {
            lock (_registry)
            {
                foreach (var old in _readers)
                {
                    if (!old.Owner.IsAlive && Volatile.Read(ref old.Inside) == 0)
                    {
                        old.Owner = thread;
                        record = old;
                        break;
                    }
                }

                if (record is null)
                {
                    record = new ReaderRecord(thread);
                    Volatile.Write(ref _readers, [.. _readers, record]);
                }
            }
        }

        t_lock = this;
        t_record = record;
        return record;
    }

    /// <summary>One thread's read-side state.</summary>
    internal sealed class ReaderRecord(Thread owner)
    {
        /// <summary>1 while the owner holds the lock for read (or is trying to); written by the owner only.</summary>
        public int Inside;

        /// <summary>The thread that writes this record; a finished owner's record is handed to the next new reader.</summary>
        public Thread Owner = owner;
    }
}

using System.Threading;

namespace Spte.Runtime.Mmu;

/// <summary>
/// KVM's <c>kvm-&gt;mmu_lock</c>, an <c>rwlock_t</c> on x86 with the TDP MMU: faults take it
/// for read and run concurrently, zaps and other tree-wide changes take it for write. Like the
/// kernel's queued rwlock it prefers writers: once a writer waits, new readers wait behind it.
/// </summary>
/// <remarks>
/// One word of state: the reader count, plus <see cref="WriterBit"/> while a writer holds or
/// waits for the lock. An uncontended read is one compare-exchange in and one decrement out,
/// about a third of <c>ReaderWriterLockSlim</c>'s cost, which the fault path pays every time.
/// Not recursive, as the kernel's is not: a thread that holds it must not take it again.
/// </remarks>
internal sealed class MmuLock
{
    private const int WriterBit = 1 << 30;

    /// <summary>Orders writers among themselves; readers never touch it.</summary>
    private readonly object _writers = new();
    private int _state;

    /// <summary><c>read_lock</c>.</summary>
    public void EnterRead()
    {
        var state = Volatile.Read(ref _state);
        if ((state & WriterBit) != 0 || Interlocked.CompareExchange(ref _state, state + 1, state) != state)
        {
            EnterReadContended();
        }
    }

    /// <summary><c>read_unlock</c>.</summary>
    public void ExitRead() => Interlocked.Decrement(ref _state);

    /// <summary><c>write_lock</c>: waits out the other writers, then the readers already inside.</summary>
    public void EnterWrite()
    {
        Monitor.Enter(_writers);
        Interlocked.Or(ref _state, WriterBit);
        var spin = default(SpinWait);
        while (Volatile.Read(ref _state) != WriterBit)
        {
            spin.SpinOnce();
        }
    }

    /// <summary><c>write_unlock</c>.</summary>
    public void ExitWrite()
    {
        Interlocked.And(ref _state, ~WriterBit);
        Monitor.Exit(_writers);
    }

    /// <summary>Whether a writer holds the lock or waits for the readers to leave.</summary>
    internal bool WriterPending => (Volatile.Read(ref _state) & WriterBit) != 0;

    private void EnterReadContended()
    {
        var spin = default(SpinWait);
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if ((state & WriterBit) == 0 && Interlocked.CompareExchange(ref _state, state + 1, state) == state)
            {
                return;
            }

            spin.SpinOnce();
        }
    }
}

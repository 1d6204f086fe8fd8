using System.Threading;
using Spte.Runtime.Kernel;
using Spte.Runtime.Mmu;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>The MMU lock: readers share it, a writer excludes everyone and new readers queue behind a waiting writer.</summary>
public class MmuLockTests
{
    [Fact]
    public void Readers_share_the_lock()
    {
        var mmuLock = new MmuLock();
        var mine = mmuLock.EnterRead();
        ReadOnceOnAnotherThread(mmuLock);
        MmuLock.ExitRead(mine);
        Assert.False(mmuLock.WriterPending);
    }

    [Fact]
    public void A_writer_waits_for_the_reader_inside_and_new_readers_wait_for_the_writer()
    {
        var mmuLock = new MmuLock();
        var writerInside = false;
        var readerSawWriterDone = false;
        using var writerHolds = new ManualResetEventSlim();
        using var releaseWriter = new ManualResetEventSlim();
        var mine = mmuLock.EnterRead();
        var writer = new Thread(() =>
        {
            mmuLock.EnterWrite();
            Volatile.Write(ref writerInside, true);
            writerHolds.Set();
            releaseWriter.Wait();
            Volatile.Write(ref writerInside, false);
            mmuLock.ExitWrite();
        });
        writer.Start();
        SpinWait.SpinUntil(() => mmuLock.WriterPending);
        Assert.False(Volatile.Read(ref writerInside));
        MmuLock.ExitRead(mine);
        writerHolds.Wait();

        var reader = new Thread(() =>
        {
            var record = mmuLock.EnterRead();
            readerSawWriterDone = !Volatile.Read(ref writerInside);
            MmuLock.ExitRead(record);
        });
        reader.Start();
        releaseWriter.Set();
        writer.Join();
        reader.Join();
        Assert.True(readerSawWriterDone);
        Assert.False(mmuLock.WriterPending);
    }

    [Fact]
    public void Each_thread_reads_through_its_own_record_and_a_finished_threads_record_is_reused()
    {
        var mmuLock = new MmuLock();
        MmuLock.ExitRead(mmuLock.EnterRead());
        MmuLock.ExitRead(mmuLock.EnterRead());
        Assert.Equal(1, mmuLock.ReaderRecords);

        ReadOnceOnAnotherThread(mmuLock);
        Assert.Equal(2, mmuLock.ReaderRecords);

        ReadOnceOnAnotherThread(mmuLock);
        Assert.Equal(2, mmuLock.ReaderRecords);
        Assert.Equal(0, mmuLock.ReadersInside);
    }

    [Fact]
    public void A_thread_reading_two_locks_leaves_each_through_its_own_record()
    {
        var a = new MmuLock();
        var b = new MmuLock();
        var inA = a.EnterRead();
        var inB = b.EnterRead();
        Assert.Equal(1, a.ReadersInside);
        Assert.Equal(1, b.ReadersInside);
        MmuLock.ExitRead(inB);
        Assert.Equal(1, a.ReadersInside);
        Assert.Equal(0, b.ReadersInside);
        MmuLock.ExitRead(inA);
        Assert.Equal(0, a.ReadersInside);

        // Both are free for a writer now (a reader still inside would make this wait forever).
        a.EnterWrite();
        a.ExitWrite();
        b.EnterWrite();
        b.ExitWrite();
    }

    [Fact]
    public void Readers_and_a_writer_never_overlap()
    {
        var mmuLock = new MmuLock();
        var writing = 0;
        var overlaps = 0;
        const int rounds = 20000;
        var reader = new Thread(() =>
        {
            for (var i = 0; i < rounds; i++)
            {
                var record = mmuLock.EnterRead();
                if (Volatile.Read(ref writing) != 0)
                {
                    Interlocked.Increment(ref overlaps);
                }

                MmuLock.ExitRead(record);
            }
        });
        reader.Start();
        for (var i = 0; i < rounds / 10; i++)
        {
            mmuLock.EnterWrite();
            Volatile.Write(ref writing, 1);
            Thread.Yield();
            Volatile.Write(ref writing, 0);
            mmuLock.ExitWrite();
        }

        reader.Join();
        Assert.Equal(0, Volatile.Read(ref overlaps));
    }

    [Fact]
    public void A_reader_that_yields_lets_the_pending_writer_in_before_it_reads_again()
    {
        var mmuLock = new MmuLock();
        var writerRan = false;
        var mine = mmuLock.EnterRead();
        Assert.False(mmuLock.NeedBreak(shared: true));
        var writer = new Thread(() =>
        {
            mmuLock.EnterWrite();
            Volatile.Write(ref writerRan, true);
            mmuLock.ExitWrite();
        });
        writer.Start();
        SpinWait.SpinUntil(() => mmuLock.WriterPending);
        Assert.True(mmuLock.NeedBreak(shared: true));

        mmuLock.YieldRead();

        Assert.True(Volatile.Read(ref writerRan));
        Assert.Equal(1, mmuLock.ReadersInside);
        MmuLock.ExitRead(mine);
        writer.Join();
        Assert.False(mmuLock.NeedBreak(shared: true));
    }

    [Fact]
    public void A_writer_that_yields_lets_a_waiting_reader_in_before_it_writes_again()
    {
        var mmuLock = new MmuLock();
        var readerRan = false;
        mmuLock.EnterWrite();
        Assert.False(mmuLock.NeedBreak(shared: false));
        var reader = new Thread(() =>
        {
            var record = mmuLock.EnterRead();
            Volatile.Write(ref readerRan, true);
            MmuLock.ExitRead(record);
        });
        reader.Start();
        SpinWait.SpinUntil(() => mmuLock.NeedBreak(shared: false));

        mmuLock.YieldWrite();

        Assert.True(Volatile.Read(ref readerRan));
        Assert.Equal(0, mmuLock.ReadersInside);
        mmuLock.ExitWrite();
        reader.Join();
    }

    [Fact]
    public void A_writer_waiting_behind_another_makes_the_holder_need_a_break()
    {
        var mmuLock = new MmuLock();
        var secondRan = false;
        mmuLock.EnterWrite();
        var second = new Thread(() =>
        {
            mmuLock.EnterWrite();
            Volatile.Write(ref secondRan, true);
            mmuLock.ExitWrite();
        });
        second.Start();
        SpinWait.SpinUntil(() => mmuLock.NeedBreak(shared: false));

        mmuLock.YieldWrite();

        Assert.True(Volatile.Read(ref secondRan));
        mmuLock.ExitWrite();
        second.Join();
        Assert.False(mmuLock.NeedBreak(shared: false));
    }

    /// <summary>Enters and leaves the lock for read on a new thread, and waits for that thread to end.</summary>
    private static void ReadOnceOnAnotherThread(MmuLock mmuLock)
    {
        var thread = new Thread(() => MmuLock.ExitRead(mmuLock.EnterRead()));
        thread.Start();
        thread.Join();
    }
}

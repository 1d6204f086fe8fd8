using System.Threading;
using Spte.Runtime.Mmu;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>The MMU lock: readers share it, a writer excludes everyone and new readers queue behind a waiting writer.</summary>
public class MmuLockTests
{
    [Fact]
    public void ReadersShareTheLock()
    {
        var mmuLock = new MmuLock();
        mmuLock.EnterRead();
        var other = new Thread(() =>
        {
            mmuLock.EnterRead();
            mmuLock.ExitRead();
        });
        other.Start();
        other.Join();
        mmuLock.ExitRead();
        Assert.False(mmuLock.WriterPending);
    }

    [Fact]
    public void AWriterWaitsForTheReaderInsideAndNewReadersWaitForTheWriter()
    {
        var mmuLock = new MmuLock();
        var writerInside = false;
        var readerSawWriterDone = false;
        using var writerHolds = new ManualResetEventSlim();
        using var releaseWriter = new ManualResetEventSlim();
        mmuLock.EnterRead();
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
        mmuLock.ExitRead();
        writerHolds.Wait();

        var reader = new Thread(() =>
        {
            mmuLock.EnterRead();
            readerSawWriterDone = !Volatile.Read(ref writerInside);
            mmuLock.ExitRead();
        });
        reader.Start();
        releaseWriter.Set();
        writer.Join();
        reader.Join();
        Assert.True(readerSawWriterDone);
        Assert.False(mmuLock.WriterPending);
    }
}

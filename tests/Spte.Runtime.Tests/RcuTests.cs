using System;
using System.Threading;
using Spte.Runtime.Mmu;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>Callbacks wait for every read-side section that began before them.</summary>
public class RcuTests
{
    [Fact]
    public void ACallbackWaitsForTheReaderThatWasInside()
    {
        var rcu = new Rcu();
        var ran = 0;
        var reader = rcu.ReadLock();
        rcu.CallRcu(() => ran++);
        Assert.Equal(0, rcu.Poll());
        Assert.Equal(0, rcu.Poll());
        reader.Dispose();
        Assert.Equal(1, rcu.Poll());
        Assert.Equal(1, ran);
        Assert.Equal(0, rcu.Pending);
    }

    [Fact]
    public void NestedSectionsOnOneThreadAllCount()
    {
        var rcu = new Rcu();
        var ran = false;
        var outer = rcu.ReadLock();
        var inner = rcu.ReadLock();
        rcu.CallRcu(() => ran = true);
        inner.Dispose();
        rcu.Poll();
        Assert.False(ran);
        Assert.True(rcu.InReadSection);
        outer.Dispose();
        rcu.Barrier();
        Assert.True(ran);
    }

    [Fact]
    public void AReaderOnAnotherThreadHoldsTheCallbackBack()
    {
        var rcu = new Rcu();
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var reader = new Thread(() =>
        {
            using (rcu.ReadLock())
            {
                entered.Set();
                release.Wait();
            }
        });
        reader.Start();
        entered.Wait();
        var ran = false;
        rcu.CallRcu(() => ran = true);
        rcu.Poll();
        Assert.False(ran);
        release.Set();
        reader.Join();
        rcu.Barrier();
        Assert.True(ran);
    }

    [Fact]
    public void BarrierInsideAReadSectionWouldDeadlockAndThrows()
    {
        var rcu = new Rcu();
        using (rcu.ReadLock())
        {
            Assert.True(rcu.InReadSection);
            Assert.Throws<InvalidOperationException>(rcu.Barrier);
        }

        Assert.False(rcu.InReadSection);
    }

    [Fact]
    public void PollWithNothingQueuedRunsNothingAndAllocatesNothing()
    {
        var rcu = new Rcu();
        rcu.Poll();
        var run = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            run += rcu.Poll();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(0, run);
    }

    [Fact]
    public void ACallbackQueuedAfterIdlePollsStillWaitsForTheReadersOfItsEpoch()
    {
        var rcu = new Rcu();
        var ran = 0;
        var old = rcu.ReadLock();
        rcu.Poll();
        rcu.Poll();
        rcu.CallRcu(() => ran++);
        Assert.Equal(0, rcu.Poll());
        Assert.Equal(0, rcu.Poll());

        // A reader that starts after the callback was queued does not hold it back.
        var late = rcu.ReadLock();
        Assert.Equal(0, ran);
        old.Dispose();
        Assert.Equal(1, rcu.Poll());
        Assert.Equal(1, ran);
        Assert.Equal(0, rcu.Pending);
        late.Dispose();
    }

    [Fact]
    public void PollingQueuedCallbacksReusesItsLists()
    {
        var rcu = new Rcu();
        var ran = 0;
        Action callback = () => ran++;
        rcu.CallRcu(callback);
        rcu.Barrier();
        rcu.CallRcu(callback);
        rcu.CallRcu(callback);
        var before = GC.GetAllocatedBytesForCurrentThread();
        rcu.Barrier();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(3, ran);
    }

    [Fact]
    public void AReadSectionOnAnotherThreadIsNotThisThreads()
    {
        var rcu = new Rcu();
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var reader = new Thread(() =>
        {
            using (rcu.ReadLock())
            {
                entered.Set();
                release.Wait();
            }
        });
        reader.Start();
        entered.Wait();
        Assert.False(rcu.InReadSection);
        release.Set();
        reader.Join();
    }
}

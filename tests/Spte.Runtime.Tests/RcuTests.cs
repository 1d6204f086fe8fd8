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
}

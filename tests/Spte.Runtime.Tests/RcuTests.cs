using System.Threading;
using System;
using Spte.Runtime.Kernel;
using Spte.Runtime.Mmu;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>Callbacks wait for every read-side section that began before them.</summary>
public class RcuTests
{
    [Fact]
    public void A_callback_waits_for_the_reader_that_was_inside()
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
    public void Nested_sections_on_one_thread_all_count()
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
    public void A_reader_on_another_thread_holds_the_callback_back()
    {
        var rcu = new Rcu();
        var reader = new ReaderThread(rcu);
        var ran = false;
        rcu.CallRcu(() => ran = true);
        rcu.Poll();
        Assert.False(ran);
        reader.Dispose();
        rcu.Barrier();
        Assert.True(ran);
    }

    [Fact]
    public void Barrier_inside_a_read_section_would_deadlock_and_throws()
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
    public void Poll_with_nothing_queued_runs_nothing_and_allocates_nothing()
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
    public void A_callback_queued_after_idle_polls_still_waits_for_the_readers_that_predate_it()
    {
        var rcu = new Rcu();
        var ran = 0;
        var old = rcu.ReadLock();
        rcu.Poll();
        rcu.Poll();
        rcu.CallRcu(() => ran++);
        Assert.Equal(0, rcu.Poll());
        Assert.Equal(0, rcu.Poll());

        // A reader that starts after the callback was queued (on another thread: on this one it
        // would nest in the old section, which lasts until the outermost one ends, as in the
        // kernel) does not hold it back.
        using var late = new ReaderThread(rcu);
        Assert.Equal(0, ran);
        old.Dispose();
        Assert.Equal(1, rcu.Poll());
        Assert.Equal(1, ran);
        Assert.Equal(0, rcu.Pending);
    }

    [Fact]
    public void A_reader_on_another_thread_that_predates_the_callback_holds_it_back_until_it_leaves()
    {
        var rcu = new Rcu();
        var ran = 0;
        var early = new ReaderThread(rcu);
        rcu.CallRcu(() => ran++);
        Assert.Equal(0, rcu.Poll());

        // The grace period began at that poll; a reader entering after it is not waited for.
        using (var late = new ReaderThread(rcu))
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(0, rcu.Poll());
            }

            early.Dispose();
            Assert.Equal(1, rcu.Poll());
        }

        Assert.Equal(1, ran);
    }

    [Fact]
    public void A_callback_queued_while_a_grace_period_is_waiting_waits_for_its_own_readers_too()
    {
        var rcu = new Rcu();
        var first = 0;
        var second = 0;
        var a = new ReaderThread(rcu);
        rcu.CallRcu(() => first++);
        Assert.Equal(0, rcu.Poll());

        // b starts after the first callback's grace period began but before the second callback.
        var b = new ReaderThread(rcu);
        rcu.CallRcu(() => second++);
        a.Dispose();
        Assert.Equal(1, rcu.Poll());
        Assert.Equal((1, 0), (first, second));
        b.Dispose();
        Assert.Equal(1, rcu.Poll());
        Assert.Equal((1, 1), (first, second));
    }

    [Fact]
    public void No_callback_runs_while_a_reader_that_saw_its_table_is_inside()
    {
        // Readers on two threads take the published table and read it until they leave their
        // section; the writer unlinks it, queues its "free" and polls. A freed table is marked,
        // and no reader may find the mark while inside a section that began before the unlink.
        var rcu = new Rcu();
        var current = new int[1];
        var stop = 0;
        var violations = 0;
        var reads = 0L;
        void Reader()
        {
            while (Volatile.Read(ref stop) == 0)
            {
                using (rcu.ReadLock())
                {
                    var table = Volatile.Read(ref current);
                    for (var i = 0; i < 16; i++)
                    {
                        if (Volatile.Read(ref table[0]) != 0)
                        {
                            Interlocked.Increment(ref violations);
                        }
                    }

                    Interlocked.Increment(ref reads);
                }
            }
        }

        var threads = new[] { new Thread(Reader), new Thread(Reader) };
        foreach (var thread in threads)
        {
            thread.Start();
        }

        for (var round = 0; round < 20000; round++)
        {
            var old = current;
            Volatile.Write(ref current, new int[1]);
            rcu.CallRcu(() => Volatile.Write(ref old[0], 1));
            rcu.Poll();
        }

        Volatile.Write(ref stop, 1);
        foreach (var thread in threads)
        {
            thread.Join();
        }

        rcu.Barrier();
        Assert.Equal(0, violations);
        Assert.True(Interlocked.Read(ref reads) > 0);
    }

    [Fact]
    public void A_finished_thread_holds_nothing_back()
    {
        var rcu = new Rcu();
        var reader = new ReaderThread(rcu);
        reader.Dispose();
        var ran = false;
        rcu.CallRcu(() => ran = true);
        Assert.Equal(1, rcu.Poll());
        Assert.True(ran);
    }

    [Fact]
    public void Polling_queued_callbacks_reuses_its_lists()
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
    public void A_read_section_on_another_thread_is_not_this_threads()
    {
        var rcu = new Rcu();
        using var reader = new ReaderThread(rcu);
        Assert.False(rcu.InReadSection);
    }

    /// <summary>A thread that enters a read-side section and stays inside until disposed.</summary>
    private sealed class ReaderThread : IDisposable
    {
        private readonly ManualResetEventSlim _entered = new();
        private readonly ManualResetEventSlim _release = new();
        private readonly Thread _thread;

        public ReaderThread(Rcu rcu)
        {
            _thread = new Thread(() =>
            {
                using (rcu.ReadLock())
                {
                    _entered.Set();
                    _release.Wait();
                }
            });
            _thread.Start();
            _entered.Wait();
        }

        public void Dispose()
        {
            if (_thread.IsAlive)
            {
                _release.Set();
                _thread.Join();
            }

            _entered.Dispose();
            _release.Dispose();
        }
    }
}

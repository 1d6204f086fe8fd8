using System.Threading;
using System;
using Spte.Runtime.Kernel;
using Spte.Runtime.Mmu;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>Per-thread counters (KVM's <c>vcpu-&gt;stat</c>) sum to what every thread counted, finished threads included.</summary>
public class StatCountersTests
{
    [Fact]
    public void Counts_of_every_thread_are_summed()
    {
        var stats = new StatCounters<MmuStat>();
        var threads = new Thread[4];
        for (var t = 0; t < threads.Length; t++)
        {
            threads[t] = new Thread(() =>
            {
                for (var i = 0; i < 10000; i++)
                {
                    stats.Increment(MmuStat.PfTaken);
                    stats.Add(MmuStat.TablesInUse, (i & 1) == 0 ? 2 : -1);
                }
            });
            threads[t].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        stats.Increment(MmuStat.PfTaken);
        Assert.Equal(40001, stats[MmuStat.PfTaken]);
        Assert.Equal(4 * 5000, stats[MmuStat.TablesInUse]);
        Assert.Equal(0, stats[MmuStat.PfFixed]);
    }

    [Fact]
    public void Two_instances_counted_on_one_thread_stay_apart()
    {
        var a = new StatCounters<MmuStat>();
        var b = new StatCounters<MmuStat>();
        for (var i = 0; i < 5; i++)
        {
            a.Increment(MmuStat.PfFixed);
            b.Add(MmuStat.PfFixed, 10);
        }

        Assert.Equal(5, a[MmuStat.PfFixed]);
        Assert.Equal(50, b[MmuStat.PfFixed]);
        Assert.Equal(MmuStat.PfTaken, a.Snapshot()[0].Key);
        Assert.Equal(Enum.GetValues<MmuStat>().Length, b.Snapshot().Count);
    }
}

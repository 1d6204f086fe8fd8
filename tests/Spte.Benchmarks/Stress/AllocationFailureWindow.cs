using System.Threading;
using Spte.Runtime.Memory;

namespace Spte.Benchmarks.Stress;

/// <summary>
/// A window in which the host has no page-table page to give: another consumer (a cache as
/// large as the budget, like a second VM's vCPUs) takes every free page, so a fault whose cache
/// runs dry fails its top-up with KVM's <c>-ENOMEM</c> before it takes any lock. The runtime
/// needs no hook for this: exhausting the budget is exactly what makes
/// <c>kvm_mmu_topup_memory_cache</c> fail. The window stays open until every vCPU has failed
/// once (or finished its pass without needing a page), so each failure is seen while the host
/// is empty; closing it gives the pages back, and each failed access is retried.
/// </summary>
internal sealed class AllocationFailureWindow<T>
    where T : struct, Spte.ISpte<T>
{
    private readonly ManualResetEventSlim _closed = new(initialState: true);
    private readonly CountdownEvent _reached;

    public AllocationFailureWindow(HostMemory host, int vcpus)
    {
        Hog = new MemoryCache<T>(host, capacity: host.PageTableBudget);
        _reached = new CountdownEvent(vcpus);
    }

    /// <summary>The pages taken from the host while the window is open (a cache, so the invariant walk accounts for them).</summary>
    public MemoryCache<T> Hog { get; }

    public bool IsOpen => !_closed.IsSet;

    /// <summary>Takes every free page-table page from the host.</summary>
    public void Open()
    {
        _reached.Reset();
        _closed.Reset();
        try
        {
            Hog.Topup(Hog.Capacity);
        }
        catch (HostMemoryExhaustedException)
        {
            // Expected: the top-up ran the host dry short of its capacity, and keeps what it took.
        }
    }

    /// <summary>A vCPU's first failure in the window, or the end of its pass without one.</summary>
    public void Reached() => _reached.Signal();

    public void WaitAllReached(CancellationToken abort) => _reached.Wait(abort);

    /// <summary>Gives every page back; the vCPUs waiting in <see cref="WaitClosed"/> retry.</summary>
    public void Close()
    {
        Hog.FreeAll();
        _closed.Set();
    }

    public void WaitClosed(CancellationToken abort) => _closed.Wait(abort);
}

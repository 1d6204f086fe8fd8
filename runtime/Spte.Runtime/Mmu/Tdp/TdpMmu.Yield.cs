using System.Collections.Generic;
using System.Threading;

namespace Spte.Runtime.Mmu.Tdp;

/// <summary>Long walks let the MMU lock's waiters in: they drop it, retake it, and restart where they were.</summary>
internal sealed partial class TdpMmu<T>
{
    /// <summary>
    /// KVM's <c>tdp_mmu_iter_cond_resched</c>: when the lock has waiters (or the scheduler wants
    /// the CPU: <see cref="KvmMmuOptions.NeedResched"/>) and the walk has moved past where it
    /// last started, flush if a flush is due, leave the RCU section, let the waiters in, and
    /// come back. The next <see cref="TdpIter{T}.Next"/> restarts from the root at the GFN the
    /// walk had reached, because any table may have changed or gone meanwhile. The caller holds
    /// a reference on the root (<see cref="ValidRootsYieldSafe"/>), so the root itself stays.
    /// </summary>
    /// <returns>Whether the walk yielded: the caller skips the current entry, as KVM's <c>continue</c> does.</returns>
    private bool TdpMmuIterCondResched(ref TdpIter<T> iter, bool flush, bool shared)
    {
        if (iter.NextLastLevelGfn == iter.YieldedGfn || !_kvm.MmuLockNeedBreak(shared) || !Kernel.Rcu.PauseReadSection())
        {
            return false;
        }

        if (flush)
        {
            FlushRemoteTlbs();
        }

        _kvm.MmuLockYield(shared);
        Kernel.Rcu.ResumeReadSection();
        iter.Yielded = true;
        Stats.Increment(MmuStat.MmuLockYields);
        return true;
    }

    /// <summary>
    /// KVM's <c>for_each_valid_tdp_mmu_root_yield_safe</c>: the valid roots of address space
    /// <paramref name="asId"/>, each with a reference held while the caller's body runs (taken as
    /// <c>kvm_tdp_mmu_get_root</c> does, unless the last one is already gone), so a walk that
    /// drops the lock does not lose its root.
    /// </summary>
    private IEnumerable<KvmMmuPage<T>> ValidRootsYieldSafe(int asId)
    {
        foreach (var root in Roots)
        {
            if (root.Invalid || root.AsId != asId || !TryGetRoot(root))
            {
                continue;
            }

            try
            {
                yield return root;
            }
            finally
            {
                PutRoot(root);
            }
        }
    }

    /// <summary>KVM's <c>kvm_tdp_mmu_get_root</c>: a reference, unless the last one is already gone (the root is being freed).</summary>
    private static bool TryGetRoot(KvmMmuPage<T> root)
    {
        var count = Volatile.Read(ref root.RootCount);
        while (count != 0)
        {
            var seen = Interlocked.CompareExchange(ref root.RootCount, count + 1, count);
            if (seen == count)
            {
                return true;
            }

            count = seen;
        }

        return false;
    }
}

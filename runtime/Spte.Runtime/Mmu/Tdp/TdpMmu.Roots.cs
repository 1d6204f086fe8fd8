using System.Threading;
using System;
using Spte.Runtime.Kernel;
using Spte.Runtime.Memory;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu.Tdp;

/// <summary>Roots: allocation, reference counts, invalidation and teardown.</summary>
internal sealed partial class TdpMmu<T>
{
    /// <summary>
    /// KVM's <c>kvm_tdp_mmu_alloc_root</c>: a reference to the valid root of address space
    /// <paramref name="asId"/>, allocating it from <paramref name="cache"/> if there is none.
    /// A new root starts with two references: the caller's and the MMU's own, which is dropped
    /// when the root is invalidated and zapped. The shared lock is held and the cache topped up.
    /// </summary>
    internal KvmMmuPage<T> GetRoot(int asId, MemoryCache<T> cache)
    {
        lock (_pagesLock)
        {
            foreach (var existing in _roots)
            {
                if (existing.AsId == asId && !existing.Invalid)
                {
                    Interlocked.Increment(ref existing.RootCount);
                    return existing;
                }
            }

            var root = AllocSp(cache, Options.RootLevel, 0, asId, parent: null, parentIndex: 0);
            root.RootCount = 2;
            _roots.Add(root);
            TdpAccountMmuPage(root);
            Stats.Increment(MmuStat.RootsAllocated);
            return root;
        }
    }

    /// <summary>
    /// KVM's <c>kvm_tdp_mmu_put_root</c>: drops a reference. The last reference can only be
    /// dropped from an invalidated root; the root then leaves the list and is freed after a
    /// grace period.
    /// </summary>
    internal void PutRoot(KvmMmuPage<T> root)
    {
        if (Interlocked.Decrement(ref root.RootCount) != 0)
        {
            return;
        }

        if (!root.Invalid)
        {
            throw _kvm.KvmBug($"The last reference to {root} was put while it was still valid.");
        }

        lock (_pagesLock)
        {
            _roots.Remove(root);
        }

        TdpUnlinkSp(root);
        Rcu.CallRcu(() => FreeSp(root));
        Rcu.Poll();
    }

    /// <summary>The zap of <c>kvm_tdp_mmu_zap_all</c>: every root, with the write lock held.</summary>
    internal void ZapAllRoots()
    {
        foreach (var root in Roots)
        {
            if (!TryGetRoot(root))
            {
                continue;
            }

            using (Rcu.ReadLock())
            {
                TdpMmuZapRoot(root, shared: false);
            }

            PutRoot(root);
        }
    }

    /// <summary><c>kvm_tdp_mmu_invalidate_all_roots</c>; the write lock is held.</summary>
    internal void InvalidateAllRoots()
    {
        lock (_pagesLock)
        {
            foreach (var root in _roots)
            {
                if (!root.Invalid)
                {
                    root.ScheduledRootToZap = true;
                    root.Invalid = true;
                }
            }
        }
    }

    /// <summary><c>kvm_tdp_mmu_zap_invalidated_roots</c>: zap each scheduled root, taking the shared lock for each, and drop the MMU's reference.</summary>
    internal void ZapInvalidatedRoots()
    {
        foreach (var root in Roots)
        {
            bool scheduled;
            using (_kvm.ReadLock())
            {
                lock (_pagesLock)
                {
                    scheduled = root.ScheduledRootToZap;
                    root.ScheduledRootToZap = false;
                }

                if (scheduled)
                {
                    using (Rcu.ReadLock())
                    {
                        TdpMmuZapRoot(root, shared: true);
                    }
                }
            }

            if (scheduled)
            {
                PutRoot(root);
            }
        }

        Rcu.Poll();
    }

    /// <summary>
    /// <c>tdp_mmu_zap_root</c>: zap in passes of growing size (4K, 2M, 1G, then the root's own
    /// entries) so that each step removes little; removing a table recurses into its children.
    /// </summary>
    private void TdpMmuZapRoot(KvmMmuPage<T> root, bool shared)
    {
        TdpMmuZapRootLevel(root, shared, PgLevel.Pg4K);
        TdpMmuZapRootLevel(root, shared, PgLevel.Pg2M);
        TdpMmuZapRootLevel(root, shared, PgLevel.Pg1G);
        TdpMmuZapRootLevel(root, shared, root.Level);
    }

    /// <summary><c>__tdp_mmu_zap_root</c>: every present entry at <paramref name="zapLevel"/> becomes non-present.</summary>
    private void TdpMmuZapRootLevel(KvmMmuPage<T> root, bool shared, int zapLevel)
    {
        for (var iter = new TdpIter<T>(_kvm, root, zapLevel, 0); iter.Valid && iter.Gfn <= MaxGfn; iter.Next())
        {
            if (TdpMmuIterCondResched(ref iter, flush: false, shared))
            {
                continue;
            }

            while (true)
            {
                if (!iter.OldSpte.IsPresent || iter.Level > zapLevel)
                {
                    break;
                }

                if (!shared)
                {
                    TdpMmuIterSetSpte(ref iter, ZapValue(ZapPath.ZapRoot));
                    break;
                }

                if (TdpMmuSetSpteAtomic(ref iter, ZapValue(ZapPath.ZapRoot)))
                {
                    break;
                }

                // Lost a race: the iterator now holds the current value; look again.
            }
        }
    }
}

using Spte.Runtime.Memory;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu.Tdp;

/// <summary>Huge page splitting: a large leaf becomes a table of 512 smaller leafs mapping the same memory.</summary>
internal sealed partial class TdpMmu<T>
{
    /// <summary>
    /// KVM's <c>kvm_tdp_mmu_try_split_huge_pages</c>: in every valid root of the slot's address
    /// space, split each large leaf over [<paramref name="start"/>, <paramref name="end"/>) down
    /// to <paramref name="targetLevel"/>. The pre-order walk visits a new table right after
    /// linking it, so a 1G leaf becomes 2M leafs and then 4K ones in one pass. The MMU lock is
    /// held for read (<paramref name="shared"/>: eager split when dirty logging starts) or write
    /// (from <c>KVM_CLEAR_DIRTY_LOG</c>).
    /// </summary>
    /// <returns>False when the host ran out of page-table pages (KVM's <c>-ENOMEM</c>): the leafs not split stay large, which is safe.</returns>
    internal bool TrySplitHugePages(KvmMemorySlot slot, ulong start, ulong end, int targetLevel, bool shared)
    {
        foreach (var root in ValidRootsYieldSafe(slot.AsId))
        {
            using (Rcu.ReadLock())
            {
                if (!SplitHugePagesRoot(root, start, end, targetLevel, shared))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// KVM's <c>tdp_mmu_split_huge_page</c>: fill <paramref name="sp"/> with the children of the
    /// large leaf at <paramref name="iter"/> before anyone can reach it, then link it in its place
    /// (compare-exchange when <paramref name="shared"/>). No TLB flush: until one happens a CPU may
    /// use the large translation or the small ones, and both map the same frames.
    /// </summary>
    /// <returns>False when another thread changed the entry first; <paramref name="sp"/> was not linked.</returns>
    private bool TdpMmuSplitHugePage(ref TdpIter<T> iter, KvmMmuPage<T> sp, bool shared)
    {
        var huge = iter.OldSpte;
        var childLevel = iter.Level - 1;
        var makeExecutable = childLevel == PgLevel.Pg4K && Options.NxHugePages;
        for (var i = 0; i < HostMemory.EntriesPerPage; i++)
        {
            sp.Spt[i] = Spte<T>.MakeHugePageSplitSpte(huge, childLevel, i, makeExecutable);
        }

        var nonLeaf = Spte<T>.MakeNonLeafSpte(sp.Pfn);
        if (shared)
        {
            if (!TdpMmuSetSpteAtomic(ref iter, nonLeaf))
            {
                return false;
            }
        }
        else
        {
            TdpMmuIterSetSpte(ref iter, nonLeaf);
        }

        TdpAccountMmuPage(sp);

        // The large leaf's removal was counted by HandleChangedSpte; its children are counted here.
        Stats.Add(PageStat(childLevel), HostMemory.EntriesPerPage);
        Stats.Increment(MmuStat.HugePagesSplit);
        return true;
    }

    /// <summary>
    /// KVM's <c>tdp_mmu_split_huge_pages_root</c>. It yields to the lock's waiters as other long
    /// walks do. KVM also drops the MMU lock to allocate each table (<c>GFP_KERNEL_ACCOUNT</c>
    /// may sleep) and restarts the walk after; the model's host hands out a page without
    /// sleeping, so the walk keeps its place there.
    /// </summary>
    private bool SplitHugePagesRoot(KvmMmuPage<T> root, ulong start, ulong end, int targetLevel, bool shared)
    {
        for (var iter = new TdpIter<T>(_kvm, root, targetLevel + 1, start); iter.Valid && iter.Gfn < end; iter.Next())
        {
            if (TdpMmuIterCondResched(ref iter, flush: false, shared))
            {
                continue;
            }

            while (iter.OldSpte.IsPresent && Spte<T>.IsLargePte(iter.OldSpte))
            {
                if (Host.TryAllocatePageTable<T>() is not { } page)
                {
                    return false;
                }

                var sp = new KvmMmuPage<T>(page, iter.Level - 1, iter.Gfn, iter.AsId, PageOf(iter.TablePfn), iter.Index);
                if (TdpMmuSplitHugePage(ref iter, sp, shared))
                {
                    break;
                }

                // A vCPU changed the entry first (it may have split it itself): look at it again.
                Host.FreePageTable(page.Pfn);
            }
        }

        return true;
    }
}

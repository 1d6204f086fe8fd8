using System.Collections.Generic;
using System.Linq;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu.Spte;

namespace Spte.Runtime.Mmu.Shadow;

/// <summary>Zapping shadow pages: prepare (unlink, clear, invalidate), then commit (one flush, deferred free).</summary>
internal sealed partial class ShadowMmu<T>
{
    /// <summary>
    /// KVM's <c>__kvm_mmu_prepare_zap_page</c>: unlink <paramref name="sp"/> from its parents,
    /// clear every entry (<c>kvm_mmu_page_unlink_children</c>) and mark it invalid. A page no
    /// vCPU uses moves to <paramref name="invalidList"/> for the commit; a root still loaded
    /// stays until its last reference goes.
    /// </summary>
    /// <returns>Whether the page moved to <paramref name="invalidList"/>.</returns>
    private bool KvmMmuPrepareZapPage(KvmMmuPage<T> sp, List<KvmMmuPage<T>> invalidList)
    {
        if (sp.Zapped)
        {
            return false;
        }

        foreach (var parent in sp.ParentPtes.ToArray())
        {
            DropParentPte(sp, parent);
        }

        for (var i = 0; i < HostMemory.EntriesPerPage; i++)
        {
            MmuPageZapPte(new Sptep<T>(sp, i));
        }

        if (!sp.Role.Direct && !sp.Invalid)
        {
            UnaccountShadowed(sp);
        }

        sp.Invalid = true;
        if (sp.RootCount != 0)
        {
            return false;
        }

        sp.Zapped = true;
        _activeMmuPages.Remove(_activeNodes[sp]);
        _activeNodes.Remove(sp);
        invalidList.Add(sp);
        return true;
    }

    /// <summary>
    /// KVM's <c>mmu_page_zap_pte</c>: a leaf is dropped, a link to a child page is cleared (the
    /// child stays in the hash, parentless, as in KVM), an MMIO SPTE is cleared.
    /// </summary>
    private void MmuPageZapPte(Sptep<T> sptep)
    {
        var spte = sptep.Value;
        if (Spte<T>.IsShadowPresentPte(spte))
        {
            if (Spte<T>.IsLastSpte(spte, sptep.Sp.Level))
            {
                DropSpte(sptep);
            }
            else
            {
                DropParentPte(SpteToChildSp(spte.Pfn, spte), sptep);
            }
        }
        else if (Spte<T>.IsMmioSpte(Options.Mmio, spte))
        {
            MmuSpteClearNoTrack(sptep);
        }
    }

    /// <summary>
    /// KVM's <c>kvm_mmu_commit_zap_page</c>: one remote TLB flush for the whole list, then each
    /// page leaves the hash and <c>sptep_to_sp</c>; its frame goes back to the host after an RCU
    /// grace period (where KVM waits for the flush IPIs to reach lockless walkers).
    /// </summary>
    private void KvmMmuCommitZapPage(List<KvmMmuPage<T>> invalidList)
    {
        if (invalidList.Count == 0)
        {
            return;
        }

        _kvm.FlushRemoteTlbs();
        foreach (var sp in invalidList)
        {
            var bucket = _mmuPageHash[sp.Gfn];
            bucket.Remove(sp);
            if (bucket.Count == 0)
            {
                _mmuPageHash.Remove(sp.Gfn);
            }

            _kvm.UnaccountMmuPage(sp);
            _kvm.Rcu.CallRcu(() => _kvm.FreeMmuPage(sp));
        }
    }

    /// <summary>KVM's <c>kvm_mmu_zap_sp</c>-style zap of one page with the write lock held; false for a root or a page already zapped.</summary>
    internal bool ZapSp(KvmMmuPage<T> sp)
    {
        if (sp.IsRoot || sp.Zapped)
        {
            return false;
        }

        var invalidList = new List<KvmMmuPage<T>>();
        KvmMmuPrepareZapPage(sp, invalidList);
        KvmMmuCommitZapPage(invalidList);
        return true;
    }

    /// <summary>
    /// The legacy half of KVM's <c>kvm_mmu_zap_all_fast</c>, with the write lock held: a new
    /// generation makes every page obsolete (vCPUs load new roots), then
    /// <c>kvm_zap_obsolete_pages</c> zaps them; roots still loaded wait for their last put.
    /// </summary>
    internal void ZapAllFast()
    {
        _mmuValidGen++;
        ZapPages(sp => !sp.Invalid);
    }

    /// <summary>KVM's <c>kvm_mmu_zap_all</c>, with the write lock held: every page zapped.</summary>
    internal void ZapAll() => ZapPages(static _ => true);

    private void ZapPages(System.Func<KvmMmuPage<T>, bool> which)
    {
        var invalidList = new List<KvmMmuPage<T>>();
        foreach (var sp in _activeMmuPages.Reverse().ToArray())
        {
            if (which(sp))
            {
                KvmMmuPrepareZapPage(sp, invalidList);
            }
        }

        KvmMmuCommitZapPage(invalidList);
    }
}

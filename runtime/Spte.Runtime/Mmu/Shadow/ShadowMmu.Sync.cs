using System;
using System.Collections.Generic;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu.Paging;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu.Shadow;

/// <summary>
/// Bringing unsync shadow pages back in step with the guest's tables on a guest TLB flush:
/// <c>invlpg</c> syncs the one entry it names, a CR3 load syncs every unsync page under the
/// root (<c>kvm_mmu_sync_roots</c> → <c>mmu_sync_children</c> → <c>FNAME(sync_page)</c>).
/// </summary>
internal sealed partial class ShadowMmu<T>
{
    /// <summary>
    /// A bug-injection seam for <c>FNAME(sync_page)</c>: which entries it skips. KVM skips the
    /// entries that are not shadow-present; the review found a version that skipped every entry
    /// that is not the non-present value, so present entries were never re-read.
    /// </summary>
    internal Func<T, bool>? SyncPageSkipOverride { get; set; }

    /// <summary>
    /// KVM's <c>kvm_mmu_invalidate_addr</c> for <c>invlpg</c>, with the write lock held: on the
    /// shadow path to <paramref name="gva"/>, the entry of an unsync page is synced with its guest
    /// entry (<c>FNAME(sync_spte)</c>).
    /// </summary>
    internal void InvalidateAddr(KvmMmuPage<T> root, ulong gva, GuestWalker walker, bool nx)
    {
        for (var it = new ShadowWalk<T>(_kvm, root, gva >> HostMemory.PageShift); it.Valid; it.Next())
        {
            var sp = SpteToChildSp(it.TablePfn, it.Spte);
            if (sp.Unsync && SyncSpte(new Sptep<T>(sp, it.Index), walker, nx))
            {
                _kvm.FlushRemoteTlbs();
            }
        }
    }

    /// <summary>
    /// KVM's <c>kvm_mmu_sync_roots</c> → <c>mmu_sync_children</c>, with the write lock held:
    /// every unsync page under <paramref name="root"/> has its guest table write-protected again,
    /// then is synced entry by entry and is in sync afterwards.
    /// </summary>
    internal void SyncRoots(KvmMmuPage<T> root, GuestWalker walker, bool nx)
    {
        var unsync = new List<KvmMmuPage<T>>();
        CollectUnsync(root, unsync);
        var flush = false;
        foreach (var sp in unsync)
        {
            flush |= KvmMmuGfnWriteProtect(sp.AsId, sp.Gfn);
        }

        foreach (var sp in unsync)
        {
            flush |= SyncPage(sp, walker, nx);
            sp.Unsync = false;
        }

        if (flush)
        {
            _kvm.FlushRemoteTlbs();
        }
    }

    /// <summary>
    /// KVM's <c>FNAME(sync_page)</c>: each shadow-present entry is re-read against its guest
    /// entry (<c>FNAME(sync_spte)</c>); non-present ones have nothing to sync.
    /// </summary>
    private bool SyncPage(KvmMmuPage<T> sp, GuestWalker walker, bool nx)
    {
        var flush = false;
        for (var i = 0; i < HostMemory.EntriesPerPage; i++)
        {
            var spte = sp.Spt[i];
            if (SyncPageSkipOverride is { } skip ? skip(spte) : !Spte<T>.IsShadowPresentPte(spte))
            {
                continue;
            }

            flush |= SyncSpte(new Sptep<T>(sp, i), walker, nx);
        }

        return flush;
    }

    /// <summary>
    /// KVM's <c>FNAME(sync_spte)</c>: the guest entry behind <paramref name="sptep"/> is read
    /// again; if it is gone, invalid, unaccessed or points elsewhere the SPTE is dropped, otherwise
    /// it is remade with the access the guest allows now (writable only if the guest entry is dirty
    /// and the frame is no shadowed guest table). Whether a flush is needed.
    /// </summary>
    private bool SyncSpte(Sptep<T> sptep, GuestWalker walker, bool nx)
    {
        var old = sptep.Value;
        if (!Spte<T>.IsShadowPresentPte(old))
        {
            // Only the injected sync_page defect gets here; KVM WARNs and leaves the entry.
            return false;
        }

        var sp = sptep.Sp;
        if (!walker.TryReadPte(sp.AsId, sp.Gfn, sptep.Index, out var gpte) || !gpte.PagePresent || !gpte.Accessed
            || gpte.PageSize || (gpte.Raw & walker.ReservedBits(gpte, sp.Level, nx)) != 0 || gpte.Pfn != sptep.Gfn)
        {
            DropSpte(sptep);
            return true;
        }

        var access = (sp.Role.Access & GuestWalker.GptePteAccess(gpte, nx)) | KvmMmu<T>.SupervisorAccess;
        if (!gpte.Dirty)
        {
            access &= ~SpteAccess.Write;
        }

        var hostWritable = (old.Raw & T.ShadowHostWritableMask) != 0;
        if ((access & SpteAccess.Write) != 0 && hostWritable && !MmuTryToUnsyncPages(sp.AsId, sptep.Gfn, canUnsync: false))
        {
            access &= ~SpteAccess.Write;
        }

        var spte = Spte<T>.MakeSpte(sp.Level, old.Pfn, access, hostWritable);
        if (spte.Raw == old.Raw)
        {
            return false;
        }

        MmuSpteUpdate(sptep, spte);
        if (Spte<T>.IsWritablePte(spte))
        {
            Memslots.GfnToMemslot(sp.AsId, sptep.Gfn)?.MarkPageDirty(sptep.Gfn);
        }

        return Spte<T>.IsWritablePte(old) && !Spte<T>.IsWritablePte(spte);
    }

    /// <summary>The unsync pages under <paramref name="sp"/> (KVM follows <c>unsync_child_bitmap</c>; the model walks the tree).</summary>
    private void CollectUnsync(KvmMmuPage<T> sp, List<KvmMmuPage<T>> unsync)
    {
        if (sp.Unsync)
        {
            unsync.Add(sp);
            return;
        }

        if (sp.Level == PgLevel.Pg4K)
        {
            return;
        }

        foreach (var spte in sp.Spt)
        {
            if (spte.IsPresent && !Spte<T>.IsLastSpte(spte, sp.Level))
            {
                CollectUnsync(SpteToChildSp(spte.Pfn, spte), unsync);
            }
        }
    }
}

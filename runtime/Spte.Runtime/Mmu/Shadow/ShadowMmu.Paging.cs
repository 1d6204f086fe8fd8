using System.Collections.Generic;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu.Paging;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu.Shadow;

/// <summary>
/// Shadow paging (<c>ept=N</c>/<c>npt=N</c>): shadow pages for the guest's own tables
/// (<c>!role.direct</c>), the write protection that keeps them in step with guest memory
/// (<c>account_shadowed</c>, gfn write-tracking), <c>FNAME(fetch)</c>, and the two ways a guest
/// write to one of its tables reaches KVM: emulated and zapped (<c>kvm_mmu_track_write</c>), or
/// allowed and the page marked unsync (<c>mmu_try_to_unsync_pages</c>).
/// </summary>
internal sealed partial class ShadowMmu<T>
{
    /// <summary>KVM's gfn write-tracking count (<c>gfn_write_track</c>): guest tables above the last level, which stay read-only.</summary>
    private readonly Dictionary<(int AsId, ulong Gfn), int> _writeTrack = [];

    /// <summary>KVM's <c>kvm-&gt;arch.indirect_shadow_pages</c>: with none, no GFN is a shadowed guest table.</summary>
    private int _indirectShadowPages;

    /// <summary>
    /// KVM's <c>mmu_alloc_shadow_roots</c> for 4-level guest paging, with the write lock held: the
    /// root that shadows the guest's PML4 at <paramref name="pml4Gfn"/>, with one more reference.
    /// </summary>
    internal KvmMmuPage<T> MmuAllocShadowRoot(int asId, ulong pml4Gfn, MemoryCache<T> cache)
    {
        var root = KvmMmuGetShadowPage(cache, pml4Gfn, new KvmMmuPageRole(PgLevel.Root4Level, asId, Direct: false, SpteAccess.All), isRoot: true, out var created);
        if (created)
        {
            Stats.Increment(MmuStat.RootsAllocated);
        }

        root.RootCount++;
        return root;
    }

    /// <summary>
    /// KVM's <c>FNAME(fetch)</c>, with the write lock held: walk the shadow tables towards
    /// <paramref name="gva"/>; link a shadow page for each guest table on the path that has none
    /// (a direct page below a guest large page), then install the leaf at the goal level (a large
    /// one where the guest page is large and faultin allowed it).
    /// </summary>
    internal PageFaultResult FetchPaging(KvmMmuPage<T> root, ulong gva, in GuestWalk walk, ref KvmPageFault fault, MemoryCache<T> cache)
    {
        for (var it = new ShadowWalk<T>(_kvm, root, gva >> HostMemory.PageShift); it.Valid; it.Next())
        {
            fault.Trace(it.Level, it.Spte);
            var sp = SpteToChildSp(it.TablePfn, it.Spte);
            var sptep = new Sptep<T>(sp, it.Index);
            if (it.Level == fault.GoalLevel)
            {
                return MmuSetSpte(sptep, ref fault);
            }

            if (!MakeRoomForLink(sptep, it.Spte))
            {
                continue;
            }

            var childLevel = it.Level - 1;
            var child = childLevel >= walk.Level
                ? KvmMmuGetShadowPage(cache, walk.TableGfn[childLevel], new KvmMmuPageRole(childLevel, sp.AsId, Direct: false, (SpteAccess)walk.PtAccess[it.Level]), isRoot: false)
                : KvmMmuGetShadowPage(cache, PgLevel.RoundGfn(walk.Gfn, it.Level), new KvmMmuPageRole(childLevel, sp.AsId, Direct: true, walk.PteAccess), isRoot: false);
            if (sp.ShadowedGfns is { } gfns)
            {
                gfns[it.Index] = child.Gfn;
            }

            LinkShadowPage(sptep, child);
        }

        throw _kvm.KvmBug($"FNAME(fetch) for GVA 0x{gva:X} ended above the last level.");
    }

    /// <summary>
    /// KVM's <c>mmu_try_to_unsync_pages</c>: whether a leaf mapping <paramref name="gfn"/> may be
    /// writable. Not while the GFN is a write-tracked guest table; a last-level guest table may be
    /// written if its shadow pages are marked unsync (when <paramref name="canUnsync"/>).
    /// </summary>
    private bool MmuTryToUnsyncPages(int asId, ulong gfn, bool canUnsync)
    {
        if (_indirectShadowPages == 0)
        {
            return true;
        }

        if (_writeTrack.ContainsKey((asId, gfn)))
        {
            return false;
        }

        foreach (var sp in ValidSpsWithGptes(asId, gfn))
        {
            if (!canUnsync)
            {
                return false;
            }

            if (!sp.Unsync)
            {
                // kvm_unsync_page: the guest may now write the table; sync_page catches up.
                sp.Unsync = true;
                Stats.Increment(MmuStat.MmuUnsync);
            }
        }

        return true;
    }

    /// <summary>
    /// KVM's <c>kvm_mmu_track_write</c>, with the write lock held: the emulator wrote
    /// <paramref name="bytes"/> bytes at <paramref name="gpa"/>, inside a guest table that shadow
    /// pages follow; the SPTE each written guest entry was shadowed by is zapped (a write that
    /// straddles entries zaps the whole page, <c>detect_write_misaligned</c>).
    /// </summary>
    internal void KvmMmuTrackWrite(int asId, ulong gpa, int bytes)
    {
        if (_indirectShadowPages == 0)
        {
            return;
        }

        var offset = (int)(gpa & (HostMemory.PageSize - 1));
        var misaligned = (offset & 7) + bytes > sizeof(ulong);
        var invalidList = new List<KvmMmuPage<T>>();
        var zapped = false;
        foreach (var sp in ValidSpsWithGptes(asId, gpa >> HostMemory.PageShift))
        {
            if (misaligned)
            {
                KvmMmuPrepareZapPage(sp, invalidList);
                continue;
            }

            MmuPageZapPte(new Sptep<T>(sp, offset / sizeof(ulong)));
            zapped = true;
        }

        KvmMmuCommitZapPage(invalidList);
        if (zapped)
        {
            _kvm.FlushRemoteTlbs();
        }
    }

    /// <summary>Whether a guest write to <paramref name="gfn"/> must be emulated (<c>page_fault_handle_page_track</c>).</summary>
    internal bool IsWriteTracked(int asId, ulong gfn) => _writeTrack.ContainsKey((asId, gfn));

    /// <summary>
    /// KVM's <c>account_shadowed</c>: a guest table above the last level is write-tracked for
    /// good; a last-level one is write-protected now (its leafs lose writable and MMU-writable)
    /// and no large leaf may cover it (<c>kvm_mmu_gfn_disallow_lpage</c>, here: large leafs over
    /// it are dropped, so the next fault maps 4K).
    /// </summary>
    private void AccountShadowed(KvmMmuPage<T> sp)
    {
        _indirectShadowPages++;
        UpdateDisallowLpage(sp, +1);
        if (sp.Level > PgLevel.Pg4K)
        {
            _writeTrack[(sp.AsId, sp.Gfn)] = _writeTrack.GetValueOrDefault((sp.AsId, sp.Gfn)) + 1;
        }

        if (KvmMmuGfnWriteProtect(sp.AsId, sp.Gfn))
        {
            _kvm.FlushRemoteTlbs();
        }
    }

    /// <summary>KVM's <c>unaccount_shadowed</c>.</summary>
    private void UnaccountShadowed(KvmMmuPage<T> sp)
    {
        _indirectShadowPages--;
        UpdateDisallowLpage(sp, -1);
        if (sp.Level > PgLevel.Pg4K && --_writeTrack[(sp.AsId, sp.Gfn)] == 0)
        {
            _writeTrack.Remove((sp.AsId, sp.Gfn));
        }
    }

    /// <summary>
    /// KVM's <c>kvm_mmu_gfn_disallow_lpage</c> / <c>_allow_lpage</c> for the guest table a page
    /// shadows, in the <c>lpage_info</c> of the slot that held the table when it was shadowed:
    /// a move gives the slot a fresh one, and the old pages give back to the one they took from.
    /// </summary>
    private void UpdateDisallowLpage(KvmMmuPage<T> sp, int delta)
    {
        if (delta > 0)
        {
            sp.ShadowedLpageInfo = Memslots.GfnToMemslot(sp.AsId, sp.Gfn)?.LpageInfo;
        }

        sp.ShadowedLpageInfo?.UpdateDisallowLpageCount(sp.Gfn, delta);
    }

    /// <summary>KVM's <c>kvm_mmu_slot_gfn_write_protect</c> with <c>pt_protect</c>: no leaf may write <paramref name="gfn"/>, not even through the fast path.</summary>
    private bool KvmMmuGfnWriteProtect(int asId, ulong gfn) =>
        ForEachRmapSpte(asId, gfn, gfn + 1, PgLevel.Pg4K, (sptep, spte) =>
        {
            if (sptep.Sp.Level > PgLevel.Pg4K)
            {
                DropSpte(sptep);
                return true;
            }

            return SpteWriteProtect(sptep, spte, ptProtect: true);
        });

    /// <summary>KVM's <c>for_each_gfn_valid_sp_with_gptes</c>: the live shadow pages of the guest table at <paramref name="gfn"/>.</summary>
    private List<KvmMmuPage<T>> ValidSpsWithGptes(int asId, ulong gfn)
    {
        var sps = new List<KvmMmuPage<T>>();
        if (_mmuPageHash.TryGetValue(gfn, out var bucket))
        {
            foreach (var sp in bucket)
            {
                if (!sp.Role.Direct && sp.AsId == asId && !IsObsoleteSp(sp))
                {
                    sps.Add(sp);
                }
            }
        }

        return sps;
    }
}

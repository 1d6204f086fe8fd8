using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu.Shadow;

/// <summary>Roots and the direct fault: <c>mmu_alloc_direct_roots</c>, <c>direct_map</c>, <c>mmu_set_spte</c>.</summary>
internal sealed partial class ShadowMmu<T>
{
    /// <summary>
    /// KVM's <c>mmu_alloc_direct_roots</c> → <c>mmu_alloc_root</c>, with the write lock held: the
    /// root for <paramref name="asId"/> (gfn 0, the root level, direct, full access) from the
    /// hash or <paramref name="cache"/>, with one more reference (<c>sp-&gt;root_count</c>).
    /// </summary>
    internal KvmMmuPage<T> MmuAllocDirectRoot(int asId, MemoryCache<T> cache)
    {
        var root = KvmMmuGetShadowPage(cache, 0, new KvmMmuPageRole(Options.RootLevel, asId, Direct: true, SpteAccess.All), isRoot: true, out var created);
        if (created)
        {
            Stats.Increment(MmuStat.RootsAllocated);
        }

        root.RootCount++;
        return root;
    }

    /// <summary>
    /// KVM's <c>mmu_free_root_page</c>, with the write lock held: drop a vCPU's reference; the
    /// last reference to an invalidated root zaps and frees it. A valid root stays in the hash
    /// for the next load.
    /// </summary>
    internal void MmuFreeRootPage(KvmMmuPage<T> root)
    {
        if (--root.RootCount < 0)
        {
            throw _kvm.KvmBug($"{root} was put more often than it was loaded.");
        }

        if (root.RootCount == 0 && root.Invalid)
        {
            var invalidList = new List<KvmMmuPage<T>>();
            KvmMmuPrepareZapPage(root, invalidList);
            KvmMmuCommitZapPage(invalidList);
        }
    }

    /// <summary>
    /// KVM's <c>direct_map</c>, with the write lock held: walk towards the GFN; above the goal
    /// level, link a child page wherever the entry is non-present (<c>kvm_mmu_get_child_sp</c>,
    /// <c>link_shadow_page</c>), dropping a large leaf that is in the way; at the goal level
    /// install the leaf (<see cref="MmuSetSpte"/>).
    /// </summary>
    internal PageFaultResult DirectMap(KvmMmuPage<T> root, ref KvmPageFault fault, MemoryCache<T> cache)
    {
        for (var it = new ShadowWalk<T>(_kvm, root, fault.Gfn); it.Valid; it.Next())
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

            LinkShadowPage(sptep, KvmMmuGetShadowPage(cache, it.Gfn, ChildRole(sp), isRoot: false));
        }

        throw _kvm.KvmBug($"direct_map for GFN 0x{fault.Gfn:X} ended above its goal level {fault.GoalLevel}.");
    }

    /// <summary>
    /// Above the goal level of a fault: false when the entry already links a table (the walk goes
    /// on into it); otherwise the entry is made ready to take a link — a large leaf in the way is
    /// dropped (<c>drop_large_spte</c>), an MMIO SPTE cleared — and true.
    /// </summary>
    private bool MakeRoomForLink(Sptep<T> sptep, T spte)
    {
        if (spte.IsPresent && !Spte<T>.IsLargePte(spte))
        {
            return false;
        }

        if (spte.IsPresent)
        {
            DropSpte(sptep);
            _kvm.FlushRemoteTlbs();
        }
        else if (Spte<T>.IsMmioSpte(Options.Mmio, spte))
        {
            MmuSpteClearNoTrack(sptep);
        }

        return true;
    }

    /// <summary>
    /// KVM's <c>mmu_set_spte</c>: with no memslot an MMIO SPTE (<c>mark_mmio_spte</c>) and
    /// emulate; otherwise make the leaf with the access the guest allows. A table where the leaf
    /// goes is unlinked; a leaf to another frame or GFN is dropped first; a new leaf joins its
    /// GFN's rmap. A write the leaf may not do (the GFN is a shadowed guest table) is emulated
    /// (<c>RET_PF_WRITE_PROTECTED</c>).
    /// </summary>
    private PageFaultResult MmuSetSpte(Sptep<T> sptep, ref KvmPageFault fault)
    {
        var level = sptep.Sp.Level;
        var old = sptep.Value;
        if (fault.Slot is null)
        {
            if (sptep.Sp.ShadowedGfns is { } mmioGfns)
            {
                mmioGfns[sptep.Index] = fault.Gfn;
            }

            var mmio = Spte<T>.MakeMmioSpte(Options.Mmio, fault.Gfn, fault.MmioGeneration, SpteAccess.All);
            if (old.Raw != mmio.Raw)
            {
                MmuSpteSet(sptep, mmio);
                fault.Trace(level, mmio);
                Stats.Increment(MmuStat.PfMmioSpteCreated);
            }

            return PageFaultResult.Emulate;
        }

        var flush = false;
        var wasRmapped = false;
        if (old.IsPresent)
        {
            if (!Spte<T>.IsLastSpte(old, level))
            {
                var child = SpteToChildSp(old.Pfn, old);
                DropParentPte(child, sptep);
                ZapIfOrphan(child);
                flush = true;
            }
            else if (old.Pfn != fault.Pfn || sptep.Gfn != PgLevel.RoundGfn(fault.Gfn, level))
            {
                DropSpte(sptep);
                flush = true;
            }
            else
            {
                wasRmapped = true;
            }
        }

        if (sptep.Sp.ShadowedGfns is { } gfns)
        {
            gfns[sptep.Index] = PgLevel.RoundGfn(fault.Gfn, level);
        }

        // make_spte: a leaf that would let the guest write one of its own shadowed tables is
        // made read-only unless the table's shadow pages can go unsync.
        var access = fault.PteAccess;
        var wrprot = (access & SpteAccess.Write) != 0 && fault.MapWritable && !MmuTryToUnsyncPages(fault.AsId, fault.Gfn, canUnsync: true);
        if (wrprot)
        {
            access &= ~SpteAccess.Write;
        }

        var spte = Spte<T>.MakeSpte(level, fault.Pfn, access, fault.MapWritable);
        var result = wrprot && fault.Write ? PageFaultResult.Emulate : PageFaultResult.Fixed;
        if (sptep.Value.Raw == spte.Raw)
        {
            result = result == PageFaultResult.Emulate ? result : PageFaultResult.Spurious;
        }
        else
        {
            MmuSpteUpdate(sptep, spte);
            fault.Trace(level, spte);
            if (Spte<T>.IsWritablePte(spte))
            {
                fault.Slot.MarkPageDirty(fault.Gfn);
            }
        }

        if (!wasRmapped)
        {
            RmapAdd(fault.Slot, sptep);
        }

        if (flush)
        {
            _kvm.FlushRemoteTlbs();
        }

        return result;
    }

    /// <summary>
    /// A table unlinked because a large leaf took its place. KVM leaves such a parentless page in
    /// the hash until the shrinker or a zap takes it; the model has no shrinker, so it zaps the
    /// page now (its leafs leave their rmaps) rather than let unlinked tables accumulate.
    /// </summary>
    private void ZapIfOrphan(KvmMmuPage<T> sp)
    {
        if (sp.ParentPtes.Count != 0 || sp.IsRoot)
        {
            return;
        }

        var invalidList = new List<KvmMmuPage<T>>();
        KvmMmuPrepareZapPage(sp, invalidList);
        KvmMmuCommitZapPage(invalidList);
    }

    /// <summary>
    /// KVM's <c>fast_pf_get_last_sptep</c>, in an RCU read section without the MMU lock: the last
    /// entry on the path to <paramref name="gfn"/> (a leaf or a non-present entry), its level and
    /// value.
    /// </summary>
    internal ref T FastPfGetLastSptep(KvmMmuPage<T> root, ulong gfn, out int level, out T spte)
    {
        var it = new ShadowWalk<T>(_kvm, root, gfn);
        while (it.Spte.IsPresent && !Spte<T>.IsLastSpte(it.Spte, it.Level))
        {
            it.Next();
        }

        level = it.Level;
        spte = it.Spte;
        return ref it.Sptep;
    }

    /// <summary>KVM's <c>get_walk</c> (lockless, in an RCU read section): the SPTEs on the path to <paramref name="gfn"/>, root first.</summary>
    internal List<(int Level, T Spte)> GetWalk(KvmMmuPage<T> root, ulong gfn)
    {
        var walk = new List<(int, T)>();
        for (var it = new ShadowWalk<T>(_kvm, root, gfn); it.Valid; it.Next())
        {
            walk.Add((it.Level, it.Spte));
        }

        return walk;
    }
}

using System;
using System.Collections.Generic;
using Spte.Runtime.Memory;
using Spte.Runtime.Memslots;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu;

/// <summary>
/// The entry points the rest of KVM calls (the MMU notifier, memslot updates, dirty logging):
/// each takes the MMU lock once, wraps a zap in <c>kvm_mmu_invalidate_begin</c>/<c>_end</c> (see
/// KvmMmu{T}.Invalidate.cs), and calls the MMUs that have roots.
/// </summary>
internal sealed partial class KvmMmu<T> : IMmuNotifier
{
    /// <summary>
    /// KVM's <c>kvm_zap_gfn_range</c>: under the write lock, every present leaf mapping a GFN in
    /// [<paramref name="start"/>, <paramref name="end"/>) of address space <paramref name="asId"/>
    /// becomes non-present. Used when a memslot is deleted or moved.
    /// </summary>
    /// <returns>Whether anything was zapped (a TLB flush was done).</returns>
    public bool ZapGfnRange(int asId, ulong start, ulong end)
    {
        bool flush;
        using (WriteLock())
        {
            MmuInvalidateBegin(start, end);
            flush = Tdp.ZapLeafs(asId, start, end);
            if (Shadow.HasPages && Shadow.ZapGfnRange(asId, start, end))
            {
                FlushRemoteTlbs();
                flush = true;
            }

            MmuInvalidateEnd();
        }

        Rcu.Poll();
        return flush;
    }

    /// <summary>
    /// KVM's <c>kvm_unmap_gfn_range</c>, the MMU notifier's invalidation: the same zap, whose end
    /// bumps <c>mmu_invalidate_seq</c> so that a fault that looked up the old host page retries.
    /// </summary>
    public bool UnmapGfnRange(int asId, ulong start, ulong end) => ZapGfnRange(asId, start, end);

    /// <summary>
    /// KVM's <c>kvm_tdp_mmu_zap_sp</c> with the write lock taken: the entry that links
    /// <paramref name="sp"/> becomes non-present, which removes the table and everything below.
    /// </summary>
    /// <returns>False when <paramref name="sp"/> is a root or no longer linked.</returns>
    public bool ZapSp(KvmMmuPage<T> sp)
    {
        ArgumentNullException.ThrowIfNull(sp);
        bool zapped;
        using (WriteLock())
        {
            if (sp.IsRoot || PageOf(sp.Pfn) != sp)
            {
                return false;
            }

            var pages = PgLevel.PagesPerHpage(sp.Level + 1);
            MmuInvalidateBegin(sp.Gfn, sp.Gfn + pages);
            zapped = sp.TdpMmuPage ? Tdp.ZapSp(sp) : Shadow.ZapSp(sp);
            MmuInvalidateEnd();
        }

        Rcu.Poll();
        return zapped;
    }

    /// <summary>
    /// KVM's <c>kvm_mmu_zap_collapsible_sptes</c> (dirty logging stopped): the TDP MMU zaps, under
    /// the shared lock, every table in the slot that could now be one large page; the legacy MMU,
    /// under the write lock, the 4K leafs in such ranges.
    /// </summary>
    /// <returns>How many tables (TDP) or leafs (legacy) were zapped.</returns>
    public int ZapCollapsibleSptes(KvmMemorySlot slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        int zapped;
        using (ReadLock())
        {
            zapped = Tdp.ZapCollapsibleSptes(slot);
        }

        if (Shadow.HasPages)
        {
            using (WriteLock())
            {
                var leafs = Shadow.ZapCollapsibleSptes(slot);
                if (leafs != 0)
                {
                    FlushRemoteTlbs();
                }

                zapped += leafs;
            }
        }

        Rcu.Poll();
        return zapped;
    }

    /// <summary>
    /// The change-pte notifier (KVM's <c>kvm_set_spte_gfn</c>, removed from Linux 6.9): the host
    /// replaced the page behind <paramref name="gfn"/> with <paramref name="newPte"/>. Under the
    /// write lock the backing is updated and the MMUs drop (or, for a read-only page, re-point)
    /// their leafs.
    /// </summary>
    public void ChangePte(KvmMemorySlot slot, ulong gfn, HostPte newPte)
    {
        ArgumentNullException.ThrowIfNull(slot);
        if (!slot.Contains(gfn))
        {
            throw new ArgumentOutOfRangeException(nameof(gfn), gfn, $"GFN 0x{gfn:X} is outside {slot}.");
        }

        using (WriteLock())
        {
            MmuInvalidateBegin(gfn, gfn + 1);
            slot.Backing.Replace(slot.BackingIndex(gfn), newPte);
            Tdp.SetSpteGfn(slot, gfn, newPte);
            if (Shadow.HasPages)
            {
                Shadow.SetSpteGfn(slot, gfn, newPte);
            }

            FlushRemoteTlbs();
            MmuInvalidateEnd();
        }

        Rcu.Poll();
    }

    /// <summary>Zaps the MMIO SPTEs mapping GFNs in [<paramref name="start"/>, <paramref name="end"/>) (a TD's memslot appeared over them).</summary>
    public int ZapMmioSptes(int asId, ulong start, ulong end)
    {
        int zapped;
        using (WriteLock())
        {
            MmuInvalidateBegin(start, end);
            zapped = Tdp.ZapMmioSptes(asId, start, end);
            MmuInvalidateEnd();
        }

        Rcu.Poll();
        return zapped;
    }

    /// <summary>KVM's <c>kvm_age_gfn</c>: clears the accessed bits in the range; whether any was set.</summary>
    public bool AgeGfnRange(int asId, ulong start, ulong end) => HandleGfnRange(asId, start, end, clear: true);

    /// <summary>KVM's <c>kvm_test_age_gfn</c>: whether any leaf in the range was accessed, without clearing.</summary>
    public bool TestAgeGfn(int asId, ulong start, ulong end) => HandleGfnRange(asId, start, end, clear: false);

    /// <summary>
    /// KVM's "fast zap" (<c>kvm_mmu_zap_all_fast</c>): under the write lock every root is
    /// invalidated, so vCPUs load fresh ones; then the invalidated roots are zapped under the
    /// shared lock.
    /// </summary>
    public void ZapAllFast()
    {
        using (WriteLock())
        {
            MmuInvalidateBegin(0, MaxGfn + 1);
            Tdp.InvalidateAllRoots();
            if (Shadow.HasPages)
            {
                Shadow.ZapAllFast();
            }

            MmuInvalidateEnd();
        }

        Tdp.ZapInvalidatedRoots();
    }

    /// <summary>KVM's <c>kvm_mmu_zap_all</c> at VM teardown: every root zapped under the write lock, then the MMU's references dropped.</summary>
    public void ZapAll()
    {
        using (WriteLock())
        {
            MmuInvalidateBegin(0, MaxGfn + 1);
            Tdp.ZapAllRoots();
            Tdp.InvalidateAllRoots();
            if (Shadow.HasPages)
            {
                Shadow.ZapAll();
            }

            MmuInvalidateEnd();
        }

        Tdp.ZapInvalidatedRoots();
    }

    /// <summary>Runs the invariant walk of the MMU in use under the write lock (see <see cref="Tdp.TdpMmu{T}.CheckInvariants"/>, <see cref="Shadow.ShadowMmu{T}.CheckInvariants"/>).</summary>
    public MmuInvariantReport CheckInvariants(IReadOnlyCollection<MemoryCache<T>>? caches = null)
    {
        using (WriteLock())
        {
            return Options.TdpMmu ? Tdp.CheckInvariants(caches) : Shadow.CheckInvariants(caches);
        }
    }

    /// <summary>KVM's <c>kvm_arch_free_memslot</c>: a deleted or moved slot's rmaps go, after the flush that emptied them.</summary>
    public void FreeMemslot(KvmMemorySlot slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        using (WriteLock())
        {
            Shadow.FreeMemslotRmaps(slot);
        }
    }

    /// <inheritdoc/>
    void IMmuNotifier.InvalidateRangeStart(GuestRamBacking backing, ulong first, ulong end)
    {
        var slots = SlotsOf(backing, first, end);
        using (WriteLock())
        {
            // Begun even with no slot over the pages: invalidate_range_end always follows.
            MmuInvalidateBegin();
            foreach (var (slot, start, stop) in slots)
            {
                MmuInvalidateRangeAdd(start, stop);
                Tdp.ZapLeafs(slot.AsId, start, stop);
                if (Shadow.HasPages && Shadow.ZapGfnRange(slot.AsId, start, stop))
                {
                    FlushRemoteTlbs();
                }
            }
        }

        Rcu.Poll();
    }

    /// <inheritdoc/>
    void IMmuNotifier.InvalidateRangeEnd(GuestRamBacking backing, ulong first, ulong end)
    {
        using (WriteLock())
        {
            MmuInvalidateEnd();
        }
    }

    /// <inheritdoc/>
    void IMmuNotifier.ChangePte(GuestRamBacking backing, ulong index, HostPte newPte)
    {
        var slots = SlotsOf(backing, index, index + 1);
        if (slots.Count == 0)
        {
            backing.Replace(index, newPte);
            return;
        }

        foreach (var (slot, start, _) in slots)
        {
            ChangePte(slot, start, newPte);
        }
    }

    private bool HandleGfnRange(int asId, ulong start, ulong end, bool clear)
    {
        bool young;
        using (WriteLock())
        {
            young = Tdp.AgeGfnRange(asId, start, end, clear);
            if (Shadow.HasPages)
            {
                young |= Shadow.AgeGfnRange(asId, start, end, clear);
            }
        }

        Rcu.Poll();
        return young;
    }

    /// <summary>The memslots over pages [<paramref name="first"/>, <paramref name="end"/>) of <paramref name="backing"/>, as GFN ranges (KVM's hva → gfn walk of the notifier).</summary>
    private List<(KvmMemorySlot Slot, ulong Start, ulong End)> SlotsOf(GuestRamBacking backing, ulong first, ulong end)
    {
        var found = new List<(KvmMemorySlot, ulong, ulong)>();
        for (var asId = 0; asId < KvmMemslots.AddressSpaceCount; asId++)
        {
            foreach (var slot in Memslots.Slots(asId))
            {
                // The slot maps pages [BackingOffset, +NPages) of the backing; several slots may map one backing.
                var (start, stop) = (Math.Max(first, slot.BackingOffset), Math.Min(end, slot.BackingOffset + slot.NPages));
                if (ReferenceEquals(slot.Backing, backing) && start < stop)
                {
                    found.Add((slot, slot.BaseGfn + start - slot.BackingOffset, slot.BaseGfn + stop - slot.BackingOffset));
                }
            }
        }

        return found;
    }
}

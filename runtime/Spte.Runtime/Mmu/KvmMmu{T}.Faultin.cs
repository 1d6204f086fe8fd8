using Spte.Runtime.Memslots;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu;

/// <summary>Faultin: from a GFN to the host frame and the level it may be mapped at.</summary>
internal sealed partial class KvmMmu<T>
{
    /// <summary>
    /// KVM's <c>kvm_mmu_faultin_pfn</c>: snapshot <c>mmu_invalidate_seq</c>, find the slot and
    /// the host frame. No slot → MMIO (mapped at 4K). A write to a read-only slot → emulate
    /// (<c>KVM_PFN_ERR_RO_FAULT</c>). A read of memory nobody wrote maps the host's zero page,
    /// read-only. A write to a page the host maps read-only → the host's write fault gives a
    /// private page (where that replaced the zero page or a shared page, its MMU notifier zapped
    /// the old mapping and the fault retries).
    /// </summary>
    public PageFaultResult FaultinPfn(ref KvmPageFault fault)
    {
        fault.MmuSeq = MmuInvalidateSeq;
        fault.MmioGeneration = Memslots.MmioGeneration;
        var slot = Memslots.GfnToMemslot(fault.AsId, fault.Gfn);
        fault.Slot = slot;
        if (slot is null)
        {
            if (!Options.Mmio.CachingEnabled || fault.Gfn > MaxGfn)
            {
                return PageFaultResult.Emulate;
            }

            fault.MaxLevel = PgLevel.Pg4K;
            fault.GoalLevel = PgLevel.Pg4K;
            return PageFaultResult.Continue;
        }

        if (fault.Write && slot.IsReadOnly)
        {
            return PageFaultResult.Emulate;
        }

        // GfnToMemslot returned the slot holding the GFN, so HostPteOf's range check is not repeated.
        var index = slot.BackingIndex(fault.Gfn);
        var hostPte = slot.Backing.Lookup(index);
        if (fault.Write && !hostPte.Writable)
        {
            // hva_to_pfn with FOLL_WRITE: the host's fault handler makes the page private; where
            // that replaced a mapping, its notifier bumped mmu_invalidate_seq and this fault retries.
            if (slot.Backing.FaultInWritable(index))
            {
                return PageFaultResult.Retry;
            }

            hostPte = slot.Backing.Lookup(index);
        }
        else if (!hostPte.Writable)
        {
            slot.Backing.MapZeroPage(index);
        }

        fault.MapWritable = !slot.IsReadOnly && hostPte.Writable;

        // kvm_mmu_hugepage_adjust: the NX huge page mitigation keeps a fetch at 4K, after the
        // level it could have had is noted for the accounting of the tables that fetch makes.
        fault.HugePageDisallowed = fault.Exec && Options.NxHugePages;
        fault.ReqLevel = KvmMmuMaxMappingLevel(slot, fault.Gfn, fault.MaxLevel);
        fault.GoalLevel = fault.HugePageDisallowed ? PgLevel.Pg4K : fault.ReqLevel;

        // A large leaf maps the head frame. KvmMmuMaxMappingLevel allowed the level only where
        // guest and host frames are aligned alike and no host page in the range was replaced, so
        // the head frame is this frame rounded down.
        fault.Pfn = hostPte.Pfn & ~(PgLevel.PagesPerHpage(fault.GoalLevel) - 1);
        return PageFaultResult.Continue;
    }

    /// <summary>
    /// KVM's <c>kvm_mmu_max_mapping_level</c>: the largest level at which <paramref name="gfn"/>
    /// of <paramref name="slot"/> may be mapped. The slot's <c>lpage_info</c> must allow it (the
    /// large page lies wholly inside the slot, guest and host frames are aligned alike at that
    /// size, no shadowed guest table lies inside), the host must map the range that large (no
    /// replaced page, not part zero page and part written: <c>host_pfn_mapping_level</c>), and
    /// dirty logging forces 4K.
    /// </summary>
    public int KvmMmuMaxMappingLevel(KvmMemorySlot slot, ulong gfn, int maxLevel)
    {
        if (slot.DirtyLogging)
        {
            return PgLevel.Pg4K;
        }

        for (var level = maxLevel; level > PgLevel.Pg4K; level--)
        {
            var pages = PgLevel.PagesPerHpage(level);
            var start = gfn & ~(pages - 1);
            if (!slot.LpageInfo.Disallowed(gfn, level)
                && !slot.Backing.AnyReplacedIn(slot.BackingIndex(start), slot.BackingIndex(start) + pages)
                && slot.Backing.SameWrittenStateIn(slot.BackingIndex(start), slot.BackingIndex(start) + pages))
            {
                return level;
            }
        }

        return PgLevel.Pg4K;
    }
}

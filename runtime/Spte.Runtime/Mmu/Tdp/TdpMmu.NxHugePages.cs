using System.Collections.Generic;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu.Tdp;

/// <summary>
/// The NX huge page mitigation's bookkeeping: tables that exist only because a fetch could not
/// use a large leaf, listed so recovery can zap them and let the memory map large again.
/// </summary>
internal sealed partial class TdpMmu<T>
{
    /// <summary>KVM's <c>possible_nx_huge_pages</c>, oldest first, guarded by <see cref="_pagesLock"/>.</summary>
    private readonly LinkedList<KvmMmuPage<T>> _possibleNxHugePages = new();

    /// <summary>The oldest recovery candidate, or null.</summary>
    internal KvmMmuPage<T>? FirstPossibleNxHugePage
    {
        get
        {
            lock (_pagesLock)
            {
                return _possibleNxHugePages.First?.Value;
            }
        }
    }

    /// <summary>
    /// KVM's <c>disallowed_hugepage_adjust</c>: a fault that would map a large leaf where a fetch
    /// already split the range into a table goes one level down instead, into that table, with
    /// the frame moved to its part of the range.
    /// </summary>
    private void DisallowedHugepageAdjust(ref KvmPageFault fault, T spte, int level)
    {
        if (level > PgLevel.Pg4K && level == fault.GoalLevel && spte.IsPresent && !Spte<T>.IsLargePte(spte)
            && PageOf(spte.Pfn) is { NxHugePageDisallowed: true })
        {
            var pageMask = PgLevel.PagesPerHpage(level) - PgLevel.PagesPerHpage(level - 1);
            fault.Pfn |= fault.Gfn & pageMask;
            fault.GoalLevel--;
        }
    }

    /// <summary>KVM's <c>track_possible_nx_huge_page</c>: the table joins the recovery list and <c>nx_lpage_splits</c>.</summary>
    private void TrackPossibleNxHugePage(KvmMmuPage<T> sp)
    {
        lock (_pagesLock)
        {
            if (sp.NxHugePageDisallowed && sp.PossibleNxHugePageLink is null)
            {
                sp.PossibleNxHugePageLink = _possibleNxHugePages.AddLast(sp);
                Stats.Increment(MmuStat.NxLpageSplits);
            }
        }
    }

    /// <summary>KVM's <c>untrack_possible_nx_huge_page</c> as <c>tdp_mmu_unlink_sp</c> and recovery of a dirty-logged slot do it.</summary>
    internal void UntrackPossibleNxHugePage(KvmMmuPage<T> sp)
    {
        // The flag is set before the table is linked and cleared only here, so a table read
        // without it can never be tracked later: most unlinks skip the lock.
        if (!sp.NxHugePageDisallowed)
        {
            return;
        }

        lock (_pagesLock)
        {
            sp.NxHugePageDisallowed = false;
            if (sp.PossibleNxHugePageLink is { } link)
            {
                _possibleNxHugePages.Remove(link);
                sp.PossibleNxHugePageLink = null;
                Stats.Add(MmuStat.NxLpageSplits, -1);
            }
        }
    }
}

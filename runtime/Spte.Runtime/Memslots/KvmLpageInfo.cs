using System;
using System.Threading;
using Spte.Runtime.X86;

namespace Spte.Runtime.Memslots;

/// <summary>
/// KVM's <c>slot-&gt;arch.lpage_info</c>: for each large-page size (2M, 1G) and each large page
/// the slot overlaps, <c>disallow_lpage</c> — how many reasons forbid mapping it with one leaf.
/// Set when the slot is made (<c>kvm_arch_alloc_memslot_metadata</c>): a large page sticking out
/// of the slot at its head or tail, or every one when guest and host frames are not aligned alike
/// at that size. The legacy MMU adds one for each guest page table it shadows inside
/// (<c>kvm_mmu_gfn_disallow_lpage</c>).
/// </summary>
internal sealed class KvmLpageInfo
{
    private readonly ulong _baseGfn;
    private readonly int[][] _disallowLpage = new int[PgLevel.Pg1G - PgLevel.Pg4K][];

    internal KvmLpageInfo(ulong baseGfn, ulong npages, ulong firstHostPfn)
    {
        _baseGfn = baseGfn;
        for (var level = PgLevel.Pg2M; level <= PgLevel.Pg1G; level++)
        {
            var mask = PgLevel.PagesPerHpage(level) - 1;
            var linfo = new int[LpageIndex(baseGfn + npages - 1, level) + 1];
            if ((baseGfn & mask) != 0)
            {
                linfo[0] = 1;
            }

            if (((baseGfn + npages) & mask) != 0)
            {
                linfo[^1] = 1;
            }

            if (((baseGfn ^ firstHostPfn) & mask) != 0)
            {
                Array.Fill(linfo, 1);
            }

            _disallowLpage[level - PgLevel.Pg2M] = linfo;
        }
    }

    /// <summary>
    /// Whether the large page of <paramref name="level"/> around <paramref name="gfn"/> must not
    /// be one leaf. A large page the slot does not overlap at all (a caller asking about the
    /// start of a larger range) is never allowed.
    /// </summary>
    public bool Disallowed(ulong gfn, int level)
    {
        var linfo = _disallowLpage[level - PgLevel.Pg2M];
        var shift = (level - 1) * PgLevel.LevelBits;
        return (gfn >> shift) < (_baseGfn >> shift)
            || (gfn >> shift) - (_baseGfn >> shift) >= (ulong)linfo.Length
            || Volatile.Read(ref linfo[LpageIndex(gfn, level)]) != 0;
    }

    /// <summary>KVM's <c>update_gfn_disallow_lpage_count</c>: every large page around <paramref name="gfn"/> gains (or loses) a reason.</summary>
    public void UpdateDisallowLpageCount(ulong gfn, int delta)
    {
        for (var level = PgLevel.Pg2M; level <= PgLevel.Pg1G; level++)
        {
            ref var count = ref _disallowLpage[level - PgLevel.Pg2M][LpageIndex(gfn, level)];
            if (Interlocked.Add(ref count, delta) < 0)
            {
                throw new InvalidOperationException($"disallow_lpage of gfn 0x{gfn:X} at level {level} went below zero.");
            }
        }
    }

    /// <summary>KVM's <c>gfn_to_index</c>: the large page's place among those the slot overlaps.</summary>
    private int LpageIndex(ulong gfn, int level)
    {
        var shift = (level - 1) * PgLevel.LevelBits;
        return checked((int)((gfn >> shift) - (_baseGfn >> shift)));
    }
}

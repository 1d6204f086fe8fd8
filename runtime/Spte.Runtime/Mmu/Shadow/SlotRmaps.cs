using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu.Shadow;

/// <summary>
/// KVM's <c>slot-&gt;arch.rmap[level - 1]</c> for one memslot: per GFN and per leaf level, the
/// SPTEs mapping it (<c>gfn_to_rmap</c>). It outlives flag changes of its slot (KVM copies
/// <c>arch</c> on <c>KVM_MR_FLAGS_ONLY</c>) and is freed when the slot goes
/// (<c>kvm_arch_free_memslot</c>), after the zap that emptied it.
/// </summary>
/// <typeparam name="T">The entry format.</typeparam>
internal sealed class SlotRmaps<T>
    where T : struct, IKvmSpte<T>
{
    private readonly PteList<T>[][] _rmap;

    /// <summary>Empty rmaps for <paramref name="slot"/>, levels 1 to <paramref name="maxLevel"/>.</summary>
    public SlotRmaps(KvmMemorySlot slot, int maxLevel)
    {
        Id = slot.Id;
        AsId = slot.AsId;
        BaseGfn = slot.BaseGfn;
        EndGfn = slot.EndGfn;
        _rmap = new PteList<T>[maxLevel][];
        for (var level = PgLevel.Pg4K; level <= maxLevel; level++)
        {
            _rmap[level - 1] = new PteList<T>[IndexOf(EndGfn - 1, level) + 1];
        }
    }

    /// <summary>The slot's id.</summary>
    public int Id { get; }

    /// <summary>The slot's address space.</summary>
    public int AsId { get; }

    /// <summary>The slot's first GFN.</summary>
    public ulong BaseGfn { get; }

    /// <summary>One past the slot's last GFN.</summary>
    public ulong EndGfn { get; }

    /// <summary>The largest level with an rmap.</summary>
    public int MaxLevel => _rmap.Length;

    /// <summary>Whether these are the rmaps of <paramref name="slot"/> (same id and GFNs).</summary>
    public bool IsOf(KvmMemorySlot slot) => slot.Id == Id && slot.AsId == AsId && slot.BaseGfn == BaseGfn && slot.EndGfn == EndGfn;

    /// <summary>Whether <paramref name="gfn"/> of address space <paramref name="asId"/> lies in the slot.</summary>
    public bool Contains(int asId, ulong gfn) => asId == AsId && gfn >= BaseGfn && gfn < EndGfn;

    /// <summary>KVM's <c>gfn_to_rmap</c>: the rmap head of <paramref name="gfn"/> at <paramref name="level"/>.</summary>
    public ref PteList<T> Of(ulong gfn, int level) => ref _rmap[level - 1][IndexOf(gfn, level)];

    /// <summary>KVM's <c>gfn_to_index</c>.</summary>
    private int IndexOf(ulong gfn, int level)
    {
        var shift = (level - 1) * PgLevel.LevelBits;
        return (int)((gfn >> shift) - (BaseGfn >> shift));
    }
}

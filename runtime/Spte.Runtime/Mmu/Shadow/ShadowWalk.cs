using Spte.Runtime.Memory;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.Mmu.Tdp;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu.Shadow;

/// <summary>
/// KVM's <c>struct kvm_shadow_walk_iterator</c> (<c>for_each_shadow_entry</c> and its lockless
/// twin): the entries on the path to one GFN, root first, stepping into a present non-leaf
/// entry's table. It reads tables by host frame, so a lockless walk inside an RCU read section
/// stays safe while a zapped table waits for its grace period; a walk that reaches a frame
/// holding no table is a KVM bug. Use it as
/// <c>for (var it = new ShadowWalk&lt;T&gt;(...); it.Valid; it.Next())</c>.
/// </summary>
/// <typeparam name="T">The entry format.</typeparam>
internal struct ShadowWalk<T>
    where T : struct, IKvmSpte<T>
{
    private readonly KvmMmu<T> _mmu;
    private readonly ulong _gfn;
    private T[] _table;

    /// <summary>KVM's <c>shadow_walk_init</c> from <paramref name="root"/> towards <paramref name="gfn"/>.</summary>
    public ShadowWalk(KvmMmu<T> mmu, KvmMmuPage<T> root, ulong gfn)
    {
        _mmu = mmu;
        _gfn = gfn;
        _table = root.Spt;
        TablePfn = root.Pfn;
        Level = root.Level;
        Index = PgLevel.Index(gfn, Level);
        Spte = TdpIter<T>.ReadSpte(ref Sptep);
        Valid = true;
    }

    /// <summary>Whether the walk has a current entry (<c>shadow_walk_okay</c>).</summary>
    public bool Valid { get; private set; }

    /// <summary>The level of the current entry.</summary>
    public int Level { get; private set; }

    /// <summary>The host frame of the table holding the current entry.</summary>
    public ulong TablePfn { get; private set; }

    /// <summary>The current entry's index in its table.</summary>
    public int Index { get; private set; }

    /// <summary>The current entry's value when it was read.</summary>
    public T Spte { get; private set; }

    /// <summary>The current entry itself (<c>iterator.sptep</c>).</summary>
    public readonly ref T Sptep => ref HostMemory.Entry(_table, Index);

    /// <summary>The first GFN the current entry maps.</summary>
    public readonly ulong Gfn => PgLevel.RoundGfn(_gfn, Level);

    /// <summary>
    /// KVM's <c>shadow_walk_next</c>: re-read the entry (it may have changed, e.g. a table was just
    /// linked there) and step into its table; the walk ends at a leaf or a non-present entry.
    /// </summary>
    public void Next()
    {
        var spte = TdpIter<T>.ReadSpte(ref Sptep);
        if (!spte.IsPresent || Spte<T>.IsLastSpte(spte, Level))
        {
            Spte = spte;
            Valid = false;
            return;
        }

        _table = _mmu.Host.EntriesOf<T>(spte.Pfn)
            ?? throw _mmu.KvmBug($"A present non-leaf SPTE {spte} at level {Level} points to host frame 0x{spte.Pfn:X}, which holds no page table (used after free).");
        TablePfn = spte.Pfn;
        Level--;
        Index = PgLevel.Index(_gfn, Level);
        Spte = TdpIter<T>.ReadSpte(ref Sptep);
    }
}

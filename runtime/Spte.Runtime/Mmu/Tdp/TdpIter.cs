using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Threading;
using System;
using Spte.Runtime.Formats;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu.Tdp;

/// <summary>
/// KVM's <c>struct tdp_iter</c>: a pre-order walk over the entries of one root that map GFNs
/// from a start GFN on, stepping down into present non-leaf entries until
/// <see cref="MinLevel"/>. Each position's value is read once into <see cref="OldSpte"/>, the
/// value compare-exchange updates are made against. Use it as
/// <c>for (var it = new TdpIter&lt;T&gt;(...); it.Valid &amp;&amp; it.Gfn &lt; end; it.Next())</c>.
/// </summary>
/// <typeparam name="T">The entry format.</typeparam>
internal struct TdpIter<T>
    where T : struct, IKvmSpte<T>
{
    private readonly KvmMmu<T> _mmu;
    private readonly HostMemory _host;
    private TablePath _ptPath;
    private PfnPath _pfnPath;

    // The current level's table (pt_path[level - 1]), kept apart so reading an entry needs no
    // index into the path.
    private T[] _table;
    private int _index;

    /// <summary>KVM's <c>tdp_iter_start</c> over <paramref name="root"/> of <paramref name="mmu"/> from <paramref name="start"/>.</summary>
    public TdpIter(KvmMmu<T> mmu, KvmMmuPage<T> root, int minLevel, ulong start)
    {
        ArgumentNullException.ThrowIfNull(mmu);
        ArgumentNullException.ThrowIfNull(root);
        _mmu = mmu;
        _host = mmu.Host;
        RootLevel = root.Level;
        MinLevel = minLevel;
        AsId = root.AsId;
        NextLastLevelGfn = start;
        PathTable(RootLevel) = root.Spt;
        PathPfn(RootLevel) = root.Pfn;
        _table = root.Spt;
        Restart();
    }

    /// <summary>The GFN the walk continues from after a restart (<c>next_last_level_gfn</c>).</summary>
    public ulong NextLastLevelGfn { get; private set; }

    /// <summary>
    /// <see cref="NextLastLevelGfn"/> at the last (re)start (<c>yielded_gfn</c>): a walk yields
    /// only after it moved past it, so it always makes progress.
    /// </summary>
    public ulong YieldedGfn { get; private set; }

    /// <summary>The walk dropped the MMU lock (<c>yielded</c>): the next <see cref="Next"/> restarts from the root.</summary>
    public bool Yielded { get; set; }

    /// <summary>The first GFN mapped by the current entry.</summary>
    public ulong Gfn { get; private set; }

    /// <summary>The level of the current entry.</summary>
    public int Level { get; private set; }

    /// <summary>The root's level.</summary>
    public int RootLevel { get; }

    /// <summary>The walk does not step below this level.</summary>
    public int MinLevel { get; }

    /// <summary>The root's address space.</summary>
    public int AsId { get; }

    /// <summary>The current entry's value when it was last read (<c>old_spte</c>).</summary>
    public T OldSpte { get; set; }

    /// <summary>Whether the walk has a current entry.</summary>
    public bool Valid { get; private set; }

    /// <summary>The table holding the current entry.</summary>
    public readonly T[] Table => _table;

    /// <summary>The host frame of <see cref="Table"/>.</summary>
    public readonly ulong TablePfn => _pfnPath[Level - 1];

    /// <summary>The current entry's index in <see cref="Table"/>.</summary>
    public readonly int Index => _index;

    /// <summary>The current entry itself (<c>sptep</c>).</summary>
    public readonly ref T Sptep => ref HostMemory.Entry(_table, _index);

    /// <summary>KVM's <c>tdp_iter_restart</c>: start again from the root at <see cref="NextLastLevelGfn"/>.</summary>
    public void Restart()
    {
        Yielded = false;
        YieldedGfn = NextLastLevelGfn;
        Level = RootLevel;
        _table = PathTable(RootLevel)!;
        Gfn = PgLevel.RoundGfn(NextLastLevelGfn, Level);
        RefreshSptep();
        Valid = true;
    }

    /// <summary>KVM's <c>tdp_iter_next</c>: the next entry in pre-order.</summary>
    /// <remarks>Inlined, so a walk down to its target (the fault path's common case) makes no calls.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Next()
    {
        if (Yielded)
        {
            Restart();
            return;
        }

        if (!TryStepDown())
        {
            NextSideOrUp();
        }
    }

    private void NextSideOrUp()
    {
        do
        {
            if (TryStepSide())
            {
                return;
            }
        }
        while (TryStepUp());

        Valid = false;
    }

    /// <summary>
    /// Moves sideways to entry <paramref name="index"/> of the current table, past entries the
    /// caller handled itself (a zap's loop over a last-level table); the next <see cref="Next"/>
    /// continues from there.
    /// </summary>
    internal void SkipTo(int index)
    {
        Gfn += (ulong)(index - _index) * PgLevel.PagesPerHpage(Level);
        NextLastLevelGfn = Gfn;
        _index = index;
        OldSpte = ReadSpte(ref Sptep);
    }

    /// <summary>Reads an entry the way <c>kvm_tdp_mmu_read_spte</c> does: one atomic 64-bit load.</summary>
    public static T ReadSpte(ref T sptep) => T.FromRaw(Volatile.Read(ref Unsafe.As<T, ulong>(ref sptep)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RefreshSptep()
    {
        _index = PgLevel.Index(Gfn, Level);
        OldSpte = ReadSpte(ref HostMemory.Entry(_table, _index));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryStepDown()
    {
        if (Level == MinLevel)
        {
            return false;
        }

        // Re-read: the entry may have changed since this position was reached.
        var spte = ReadSpte(ref HostMemory.Entry(_table, _index));
        OldSpte = spte;
        if (!spte.IsPresent || Spte<T>.IsLastSpte(spte, Level))
        {
            return false;
        }

        var pfn = spte.Pfn;
        var child = _host.EntriesOf<T>(pfn) ?? ThrowUsedAfterFree(spte, Level);
        var level = Level - 1;
        Level = level;
        PathTable(level) = child;
        PathPfn(level) = pfn;
        _table = child;
        Gfn = PgLevel.RoundGfn(NextLastLevelGfn, level);
        RefreshSptep();
        return true;
    }

    private bool TryStepSide()
    {
        if (_index == HostMemory.EntriesPerPage - 1)
        {
            return false;
        }

        Gfn += PgLevel.PagesPerHpage(Level);
        NextLastLevelGfn = Gfn;
        _index++;
        OldSpte = ReadSpte(ref Sptep);
        return true;
    }

    private bool TryStepUp()
    {
        if (Level == RootLevel)
        {
            return false;
        }

        Level++;
        _table = PathTable(Level)!;
        Gfn = PgLevel.RoundGfn(Gfn, Level);
        RefreshSptep();
        return true;
    }

    /// <summary>The path's table at <paramref name="level"/> (1..5), without the inline array's bounds check: the level is always in range.</summary>
    [UnscopedRef]
    private ref T[]? PathTable(int level) => ref Unsafe.Add(ref Unsafe.As<TablePath, T[]?>(ref _ptPath), level - 1);

    /// <summary>The path's host frame at <paramref name="level"/> (1..5).</summary>
    [UnscopedRef]
    private ref ulong PathPfn(int level) => ref Unsafe.Add(ref Unsafe.As<PfnPath, ulong>(ref _pfnPath), level - 1);

    /// <summary>A walk reached a table already given back: KVM_BUG_ON, the VM is marked bugged.</summary>
    private readonly T[] ThrowUsedAfterFree(T spte, int level) =>
        throw _mmu.KvmBug($"A present non-leaf SPTE {spte} at level {level} points to host frame 0x{spte.Pfn:X}, which holds no page table (used after free).");

    /// <summary>The table at each level of the current path (<c>pt_path</c>).</summary>
    [InlineArray(PgLevel.Root5Level)]
    private struct TablePath
    {
        private T[]? _level1;
    }

    /// <summary>The host frame of each table in <see cref="TablePath"/>.</summary>
    [InlineArray(PgLevel.Root5Level)]
    private struct PfnPath
    {
        private ulong _level1;
    }
}

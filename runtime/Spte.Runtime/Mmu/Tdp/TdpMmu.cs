using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System;
using Spte.Runtime.Formats;
using Spte.Runtime.Kernel;
using Spte.Runtime.Memory;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu.Tdp;

/// <summary>
/// KVM's TDP MMU (arch/x86/kvm/mmu/tdp_mmu.c), written once over <see cref="IKvmSpte{T}"/>:
/// roots per address space, faults under the shared MMU lock with compare-exchange, MMIO SPTEs
/// with the memslot generation, zaps that write the non-present value, page-table removal
/// through the frozen value, and RCU-deferred freeing. The per-VM state (lock, invalidate
/// sequence, RCU, <c>sptep_to_sp</c>) and the fault front are <see cref="KvmMmu{T}"/>'s; every
/// method here runs with the MMU lock held as its summary says. This file holds the roots list
/// and the change bookkeeping every path shares (<c>handle_changed_spte</c>, <c>handle_removed_pt</c>).
/// </summary>
/// <typeparam name="T">The entry format (EPT or NPT).</typeparam>
internal sealed partial class TdpMmu<T>
    where T : struct, IKvmSpte<T>
{
    private readonly KvmMmu<T> _kvm;
    private readonly object _pagesLock = new();
    private readonly List<KvmMmuPage<T>> _roots = [];
    private readonly bool _proveMmu;

    /// <summary>The TDP MMU of <paramref name="kvm"/>, which holds the per-VM state and the locks.</summary>
    internal TdpMmu(KvmMmu<T> kvm)
    {
        _kvm = kvm;

        // Copied once: they never change, and the map path reads them on every fault.
        Host = kvm.Host;
        Memslots = kvm.Memslots;
        Options = kvm.Options;
        Stats = kvm.Stats;
        Rcu = kvm.Rcu;
        MaxGfn = kvm.MaxGfn;
        _proveMmu = kvm.ProveMmu;
    }

    /// <summary>The roots (valid and invalidated), in allocation order.</summary>
    public IReadOnlyList<KvmMmuPage<T>> Roots
    {
        get
        {
            lock (_pagesLock)
            {
                return [.. _roots];
            }
        }
    }

    private HostMemory Host { get; }

    private KvmMemslots Memslots { get; }

    private KvmMmuOptions Options { get; }

    private StatCounters<MmuStat> Stats { get; }

    private Rcu Rcu { get; }

    private ulong MaxGfn { get; }

    private KvmMmuPage<T>? PageOf(ulong pfn) => _kvm.PageOf(pfn);

    private T ZapValue(ZapPath path) => _kvm.ZapValue(path);

    private void FlushRemoteTlbs() => _kvm.FlushRemoteTlbs();

    private static ref ulong RawRef(ref T sptep) => ref Unsafe.As<T, ulong>(ref sptep);

    /// <summary><c>kvm_tdp_mmu_write_spte_atomic</c>: exchanged so a CPU's concurrent A/D update is not lost.</summary>
    private T WriteSpte(ref T sptep, T value, ulong gfn, int level)
    {
        ProveWrite(value, gfn, level);
        return T.FromRaw(Interlocked.Exchange(ref RawRef(ref sptep), value.Raw));
    }

    /// <summary>The prove-MMU check of a write (<see cref="KvmMmu{T}.ProveMmuSpteWrite"/>) when the mode is on; otherwise one test of a field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ProveWrite(T value, ulong gfn, int level)
    {
        if (_proveMmu)
        {
            _kvm.ProveMmuSpteWrite(value, gfn, level);
        }
    }

    /// <summary>
    /// KVM's <c>kvm_tdp_mmu_write_spte</c> under the write lock: a plain store, unless the CPU
    /// could set the accessed or dirty bit of <paramref name="old"/> meanwhile or the fast page
    /// fault could make it writable (<c>spte_has_volatile_bits</c>); then an exchange, so that
    /// update is not lost. Returns the value replaced.
    /// </summary>
    private T KvmTdpMmuWriteSpte(ref T sptep, T old, T value, ulong gfn, int level)
    {
        if (old.IsPresent && Spte<T>.IsLastSpte(old, level) && Spte<T>.SpteHasVolatileBits(old))
        {
            return WriteSpte(ref sptep, value, gfn, level);
        }

        ProveWrite(value, gfn, level);
        Volatile.Write(ref RawRef(ref sptep), value.Raw);
        return old;
    }

    /// <summary><c>__tdp_mmu_set_spte_atomic</c>: compare-exchange against <c>iter.OldSpte</c>; on failure the iterator holds the current value.</summary>
    private bool TrySetSpteRaw(ref TdpIter<T> iter, T value)
    {
        ProveWrite(value, iter.Gfn, iter.Level);
        var old = iter.OldSpte;
        var seen = Interlocked.CompareExchange(ref RawRef(ref iter.Sptep), value.Raw, old.Raw);
        if (seen == old.Raw)
        {
            return true;
        }

        iter.OldSpte = T.FromRaw(seen);
        return false;
    }

    /// <summary><c>tdp_mmu_set_spte_atomic</c>: the shared-lock update plus its bookkeeping.</summary>
    private bool TdpMmuSetSpteAtomic(ref TdpIter<T> iter, T value)
    {
        if (iter.OldSpte.IsFrozen)
        {
            throw _kvm.KvmBug("A frozen SPTE must not be the base of a compare-exchange.");
        }

        if (!TrySetSpteRaw(ref iter, value))
        {
            return false;
        }

        HandleChangedSpte(iter.AsId, iter.Gfn, iter.OldSpte, value, iter.Level, shared: true);
        iter.OldSpte = value;
        return true;
    }

    /// <summary>
    /// KVM's <c>tdp_mmu_clear_spte_bits</c> under the write lock: a leaf loses
    /// <paramref name="bits"/> with no bookkeeping, since nothing it tracks changes — an atomic
    /// and-not when the CPU or the fast path could update the entry meanwhile, a plain store
    /// otherwise.
    /// </summary>
    private void TdpMmuClearSpteBits(ref TdpIter<T> iter, ulong bits)
    {
        var value = T.FromRaw(iter.OldSpte.Raw & ~bits);
        ProveWrite(value, iter.Gfn, iter.Level);
        if (Spte<T>.SpteHasVolatileBits(iter.OldSpte))
        {
            iter.OldSpte = T.FromRaw(Interlocked.And(ref RawRef(ref iter.Sptep), ~bits) & ~bits);
        }
        else
        {
            Volatile.Write(ref RawRef(ref iter.Sptep), value.Raw);
            iter.OldSpte = value;
        }
    }

    /// <summary><c>tdp_mmu_iter_set_spte</c>: the exclusive-lock update plus its bookkeeping.</summary>
    private void TdpMmuIterSetSpte(ref TdpIter<T> iter, T value)
    {
        var old = KvmTdpMmuWriteSpte(ref iter.Sptep, iter.OldSpte, value, iter.Gfn, iter.Level);
        HandleChangedSpte(iter.AsId, iter.Gfn, old, value, iter.Level, shared: false);
        iter.OldSpte = value;
    }

    /// <summary>
    /// <c>tdp_mmu_zap_spte_atomic</c>: freeze the entry so no other thread installs a present
    /// entry before the TLB flush, flush, write the non-present value, then do the bookkeeping
    /// (which tears down a removed subtree).
    /// </summary>
    private bool TdpMmuZapSpteAtomic(ref TdpIter<T> iter)
    {
        if (!TrySetSpteRaw(ref iter, T.Frozen))
        {
            return false;
        }

        var old = iter.OldSpte;
        FlushRemoteTlbs();

        // A value the prove-MMU check catches leaves the entry frozen: the VM is bugged by then.
        var value = ZapValue(ZapPath.ZapSpteAtomic);
        ProveWrite(value, iter.Gfn, iter.Level);
        Volatile.Write(ref RawRef(ref iter.Sptep), value.Raw);
        HandleChangedSpte(iter.AsId, iter.Gfn, old, T.NonPresent, iter.Level, shared: true);
        iter.OldSpte = T.NonPresent;
        return true;
    }

    /// <summary>
    /// <c>handle_changed_spte</c>: page statistics, dirty/accessed propagation (not modelled
    /// beyond the counters), and removal of a subtree when a non-leaf stops pointing at it.
    /// </summary>
    private void HandleChangedSpte(int asId, ulong gfn, T old, T @new, int level, bool shared)
    {
        var wasPresent = Spte<T>.IsShadowPresentPte(old);
        var isPresent = Spte<T>.IsShadowPresentPte(@new);
        var wasLeaf = wasPresent && Spte<T>.IsLastSpte(old, level);
        var isLeaf = isPresent && Spte<T>.IsLastSpte(@new, level);
        var pfnChanged = old.Pfn != @new.Pfn;
        if (wasLeaf && isLeaf && pfnChanged)
        {
            throw _kvm.KvmBug($"Invalid SPTE change: a present leaf was replaced by a present leaf mapping another PFN (as {asId} gfn 0x{gfn:X} level {level}: {old} -> {@new}).");
        }

        if (old.Raw == @new.Raw)
        {
            return;
        }

        if (isLeaf && Spte<T>.CheckSpteWritableInvariants(@new) is { } broken)
        {
            throw _kvm.KvmBug(broken);
        }

        if (!wasPresent && !isPresent)
        {
            return;
        }

        if (isLeaf != wasLeaf)
        {
            Stats.Add(PageStat(level), isLeaf ? 1 : -1);

            // A large leaf replaced by a table of its parts (a split) maps the same memory still.
            if (wasLeaf && !isPresent)
            {
                Stats.Increment(MmuStat.SptesZapped);
            }
        }

        if (wasPresent && !wasLeaf && (isLeaf || !isPresent || pfnChanged))
        {
            HandleRemovedPt(PageOf(old.Pfn) ?? throw _kvm.KvmBug($"Removed non-leaf SPTE {old} points to no live page table."), shared);
        }
    }

    /// <summary>
    /// <c>handle_removed_pt</c>: a table is no longer reachable. Each of its entries is
    /// exchanged to the frozen value (waiting out another thread's freeze when shared), the old
    /// values get their bookkeeping (recursively removing grandchildren), and the page is freed
    /// after an RCU grace period, so a walker still inside the table never sees it reused.
    /// </summary>
    private void HandleRemovedPt(KvmMmuPage<T> sp, bool shared)
    {
        TdpUnlinkSp(sp);
        for (var i = 0; i < HostMemory.EntriesPerPage; i++)
        {
            ref var sptep = ref sp.Spt[i];
            var gfn = sp.Gfn + ((ulong)i * PgLevel.PagesPerHpage(sp.Level));
            T old;
            if (shared)
            {
                var spin = default(SpinWait);
                while ((old = WriteSpte(ref sptep, T.Frozen, gfn, sp.Level)).IsFrozen)
                {
                    spin.SpinOnce();
                }
            }
            else
            {
                old = TdpIter<T>.ReadSpte(ref sptep);
                if (!old.IsPresent)
                {
                    continue;
                }

                old = WriteSpte(ref sptep, T.Frozen, gfn, sp.Level);
            }

            HandleChangedSpte(sp.AsId, gfn, old, T.Frozen, sp.Level, shared);
        }

        Rcu.CallRcu(() => FreeSp(sp));
    }

    /// <summary>
    /// <c>tdp_mmu_alloc_sp</c> + <c>tdp_mmu_init_sp</c>: a fresh table from the vCPU's cache. Every
    /// path tops the cache up before taking the lock, so an empty one here is a KVM bug.
    /// </summary>
    private KvmMmuPage<T> AllocSp(MemoryCache<T> cache, int level, ulong gfn, int asId, KvmMmuPage<T>? parent, int parentIndex) =>
        cache.Count == 0
            ? throw _kvm.KvmBug($"The memory cache is empty under the MMU lock (level {level} gfn 0x{gfn:X}): a path forgot to top it up.")
            : new(cache.Alloc(), level, gfn, asId, parent, parentIndex);

    /// <summary><c>tdp_account_mmu_page</c>: the table is now part of a tree.</summary>
    private void TdpAccountMmuPage(KvmMmuPage<T> sp) => _kvm.AccountMmuPage(sp);

    /// <summary><c>tdp_mmu_unlink_sp</c>: the table left its tree.</summary>
    private void TdpUnlinkSp(KvmMmuPage<T> sp)
    {
        UntrackPossibleNxHugePage(sp);
        _kvm.UnaccountMmuPage(sp);
    }

    /// <summary><c>tdp_mmu_free_sp</c>: the frame goes back to the host.</summary>
    private void FreeSp(KvmMmuPage<T> sp) => _kvm.FreeMmuPage(sp);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static MmuStat PageStat(int level) => level switch
    {
        PgLevel.Pg4K => MmuStat.Pages4K,
        PgLevel.Pg2M => MmuStat.Pages2M,
        _ => MmuStat.Pages1G,
    };
}

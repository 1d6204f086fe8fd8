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
/// through the frozen value, and RCU-deferred freeing. This file holds the state and the
/// change bookkeeping every path shares (<c>handle_changed_spte</c>, <c>handle_removed_pt</c>).
/// </summary>
/// <typeparam name="T">The entry format (EPT or NPT).</typeparam>
public sealed partial class TdpMmu<T>
    where T : struct, IKvmSpte<T>
{
    private readonly MmuLock _mmuLock = new();
    private readonly object _pagesLock = new();
    private readonly List<KvmMmuPage<T>> _roots = [];
    private readonly KvmMmuPage<T>?[] _livePages;
    private long _mmuInvalidateSeq;

    /// <summary>Creates an MMU over <paramref name="host"/>'s page-table frames and <paramref name="memslots"/>.</summary>
    public TdpMmu(HostMemory host, KvmMemslots memslots, TdpMmuOptions options)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(memslots);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Host = host;
        Memslots = memslots;
        Options = options;
        _livePages = new KvmMmuPage<T>?[host.PageTableBudget];
        var gpaBits = Math.Min(host.MaxPhyAddr, (PgLevel.LevelBits * options.RootLevel) + HostMemory.PageShift);
        MaxGfn = (1UL << (gpaBits - HostMemory.PageShift)) - 1;
    }

    /// <summary>Where page tables live.</summary>
    public HostMemory Host { get; }

    /// <summary>The VM's memory slots.</summary>
    public KvmMemslots Memslots { get; }

    /// <summary>The configuration.</summary>
    public TdpMmuOptions Options { get; }

    /// <summary>The counters.</summary>
    public StatCounters<MmuStat> Stats { get; } = new();

    /// <summary>The RCU that defers freeing removed page tables.</summary>
    public Rcu Rcu { get; } = new();

    /// <summary>The largest GFN the roots can map (<c>kvm_mmu_max_gfn</c>).</summary>
    public ulong MaxGfn { get; }

    /// <summary>The MMU-notifier sequence (<c>mmu_invalidate_seq</c>): bumped by every invalidation under the write lock.</summary>
    public long MmuInvalidateSeq => Volatile.Read(ref _mmuInvalidateSeq);

    /// <summary>
    /// The seam for bug injection: what the zap paths write instead of <c>T.NonPresent</c>.
    /// Tests set it to reproduce the 2022 review finding (a zap path writing 0).
    /// </summary>
    internal Func<ZapPath, T>? ZapValueOverride { get; set; }

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

    /// <summary>The live page table in host frame <paramref name="pfn"/> (<c>sptep_to_sp</c>), or null.</summary>
    public KvmMmuPage<T>? PageOf(ulong pfn)
    {
        var index = Host.TableIndex(pfn);
        return index < 0 ? null : Volatile.Read(ref _livePages[index]);
    }

    /// <summary>What every zap path writes: <c>SHADOW_NONPRESENT_VALUE</c>, unless a test injected a bug.</summary>
    private T ZapValue(ZapPath path) => ZapValueOverride is { } inject ? inject(path) : T.NonPresent;

    private static ref ulong RawRef(ref T sptep) => ref Unsafe.As<T, ulong>(ref sptep);

    /// <summary><c>kvm_tdp_mmu_write_spte</c>: under the write lock, exchanged so a CPU's concurrent A/D update is not lost.</summary>
    private static T WriteSpte(ref T sptep, T value) => T.FromRaw(Interlocked.Exchange(ref RawRef(ref sptep), value.Raw));

    /// <summary>
    /// KVM's <c>kvm_tdp_mmu_write_spte</c> under the write lock: a plain store, unless the CPU
    /// could set the accessed or dirty bit of <paramref name="old"/> meanwhile or the fast page
    /// fault could make it writable (<c>spte_has_volatile_bits</c>); then an exchange, so that
    /// update is not lost. Returns the value replaced.
    /// </summary>
    private static T KvmTdpMmuWriteSpte(ref T sptep, T old, T value, int level)
    {
        if (old.IsPresent && Spte<T>.IsLastSpte(old, level) && Spte<T>.SpteHasVolatileBits(old))
        {
            return WriteSpte(ref sptep, value);
        }

        Volatile.Write(ref RawRef(ref sptep), value.Raw);
        return old;
    }

    /// <summary><c>__tdp_mmu_set_spte_atomic</c>: compare-exchange against <c>iter.OldSpte</c>; on failure the iterator holds the current value.</summary>
    private static bool TrySetSpteRaw(ref TdpIter<T> iter, T value)
    {
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
            throw new InvalidOperationException("A frozen SPTE must not be the base of a compare-exchange.");
        }

        if (!TrySetSpteRaw(ref iter, value))
        {
            return false;
        }

        HandleChangedSpte(iter.AsId, iter.Gfn, iter.OldSpte, value, iter.Level, shared: true);
        iter.OldSpte = value;
        return true;
    }

    /// <summary><c>tdp_mmu_iter_set_spte</c>: the exclusive-lock update plus its bookkeeping.</summary>
    private void TdpMmuIterSetSpte(ref TdpIter<T> iter, T value)
    {
        var old = KvmTdpMmuWriteSpte(ref iter.Sptep, iter.OldSpte, value, iter.Level);
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
        Volatile.Write(ref RawRef(ref iter.Sptep), ZapValue(ZapPath.ZapSpteAtomic).Raw);
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
            throw new InvalidOperationException($"Invalid SPTE change: a present leaf was replaced by a present leaf mapping another PFN (as {asId} gfn 0x{gfn:X} level {level}: {old} -> {@new}).");
        }

        if (old.Raw == @new.Raw)
        {
            return;
        }

        if (isLeaf && Spte<T>.CheckSpteWritableInvariants(@new) is { } broken)
        {
            throw new InvalidOperationException(broken);
        }

        if (!wasPresent && !isPresent)
        {
            return;
        }

        if (isLeaf != wasLeaf)
        {
            Stats.Add(PageStat(level), isLeaf ? 1 : -1);
            if (wasLeaf)
            {
                Stats.Increment(MmuStat.SptesZapped);
            }
        }

        if (wasPresent && !wasLeaf && (isLeaf || !isPresent || pfnChanged))
        {
            HandleRemovedPt(PageOf(old.Pfn) ?? throw new InvalidOperationException($"Removed non-leaf SPTE {old} points to no live page table."), shared);
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
                while ((old = WriteSpte(ref sptep, T.Frozen)).IsFrozen)
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

                old = WriteSpte(ref sptep, T.Frozen);
            }

            HandleChangedSpte(sp.AsId, gfn, old, T.Frozen, sp.Level, shared);
        }

        Rcu.CallRcu(() => FreeSp(sp));
    }

    /// <summary><c>tdp_mmu_alloc_sp</c> + <c>tdp_mmu_init_sp</c>: a fresh table from the vCPU's cache.</summary>
    private static KvmMmuPage<T> AllocSp(MemoryCache<T> cache, int level, ulong gfn, int asId, KvmMmuPage<T>? parent, int parentIndex) =>
        new(cache.Alloc(), level, gfn, asId, parent, parentIndex);

    /// <summary><c>tdp_account_mmu_page</c>: the table is now part of a tree.</summary>
    private void TdpAccountMmuPage(KvmMmuPage<T> sp)
    {
        Volatile.Write(ref _livePages[Host.TableIndex(sp.Pfn)], sp);
        Stats.Increment(MmuStat.TablesAllocated);
        Stats.Increment(MmuStat.TablesInUse);
    }

    /// <summary><c>tdp_mmu_unlink_sp</c>: the table left its tree.</summary>
    private void TdpUnlinkSp(KvmMmuPage<T> sp)
    {
        var index = Host.TableIndex(sp.Pfn);
        if (Interlocked.CompareExchange(ref _livePages[index], null, sp) != sp)
        {
            throw new InvalidOperationException($"{sp} was unlinked twice.");
        }

        Stats.Add(MmuStat.TablesInUse, -1);
    }

    /// <summary><c>tdp_mmu_free_sp</c>: the frame goes back to the host.</summary>
    private void FreeSp(KvmMmuPage<T> sp)
    {
        Host.FreePageTable(sp.Pfn);
        Stats.Increment(MmuStat.TablesFreed);
    }

    /// <summary><c>kvm_flush_remote_tlbs</c>: the model has no TLB, so only the request is counted.</summary>
    private void FlushRemoteTlbs() => Stats.Increment(MmuStat.RemoteTlbFlushes);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static MmuStat PageStat(int level) => level switch
    {
        PgLevel.Pg4K => MmuStat.Pages4K,
        PgLevel.Pg2M => MmuStat.Pages2M,
        _ => MmuStat.Pages1G,
    };

    /// <summary><c>read_lock(&amp;kvm-&gt;mmu_lock)</c>; dispose the result to unlock.</summary>
    internal LockScope ReadLock() => new(_mmuLock, _mmuLock.EnterRead());

    private LockScope WriteLock()
    {
        _mmuLock.EnterWrite();
        return new LockScope(_mmuLock, reader: null);
    }

    /// <summary>Bumps <c>mmu_invalidate_seq</c>; call with the write lock held, before the zap.</summary>
    private void InvalidateBegin() => Interlocked.Increment(ref _mmuInvalidateSeq);

    /// <summary>A held MMU lock; disposing it unlocks. <paramref name="reader"/> is the thread's record for a read hold, null for the write hold.</summary>
    internal readonly struct LockScope(MmuLock mmuLock, MmuLock.ReaderRecord? reader) : IDisposable
    {
        public void Dispose()
        {
            if (reader is null)
            {
                mmuLock.ExitWrite();
            }
            else
            {
                MmuLock.ExitRead(reader);
            }
        }
    }
}

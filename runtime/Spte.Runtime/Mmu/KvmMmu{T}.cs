using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Spte.Runtime.Kernel;
using Spte.Runtime.Memory;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu.Shadow;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.Mmu.Tdp;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu;

/// <summary>
/// The vendor-neutral part of KVM's mmu.c and mmu_internal.h: the per-VM MMU state KVM keeps in
/// <c>struct kvm</c> (<c>mmu_lock</c>, the notifier's <c>mmu_invalidate_*</c>, the RCU that defers freeing,
/// <c>sptep_to_sp</c>, the counters), the fault front and the notifier-side entry points. Each
/// entry point takes the lock once and calls into every MMU that has pages: the TDP MMU
/// (<see cref="Tdp"/>) and the legacy MMU (<see cref="Shadow"/>).
/// </summary>
/// <typeparam name="T">The entry format (EPT or NPT).</typeparam>
internal sealed partial class KvmMmu<T>
    where T : struct, IKvmSpte<T>
{
    private readonly MmuLock _mmuLock = new();
    private readonly KvmMmuPage<T>?[] _livePages;

    /// <summary>Creates the MMU of a VM over <paramref name="host"/>'s page-table frames and <paramref name="memslots"/>.</summary>
    public KvmMmu(HostMemory host, KvmMemslots memslots, KvmMmuOptions options)
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
        ProveMmu = options.ProveMmu && ProveMmuApplies;
        Tdp = new TdpMmu<T>(this);
        Shadow = new ShadowMmu<T>(this);
        memslots.Notifier = this;
    }

    /// <summary>Where page tables live.</summary>
    public HostMemory Host { get; }

    /// <summary>The VM's memory slots.</summary>
    public KvmMemslots Memslots { get; }

    /// <summary>The configuration.</summary>
    public KvmMmuOptions Options { get; }

    /// <summary>The TDP MMU (tdp_mmu.c).</summary>
    public TdpMmu<T> Tdp { get; }

    /// <summary>The legacy MMU (mmu.c's shadow pages and rmaps); it has pages only with <see cref="KvmMmuOptions.TdpMmu"/> off.</summary>
    public ShadowMmu<T> Shadow { get; }

    /// <summary>The counters.</summary>
    public StatCounters<MmuStat> Stats { get; } = new();

    /// <summary>The RCU that defers freeing removed page tables.</summary>
    public Rcu Rcu { get; } = new();

    /// <summary>The largest GFN the roots can map (<c>kvm_mmu_max_gfn</c>).</summary>
    public ulong MaxGfn { get; }

    /// <summary>
    /// The seam for bug injection: what the zap paths write instead of <c>T.NonPresent</c>.
    /// Tests set it to reproduce the 2022 review finding (a zap path writing 0).
    /// </summary>
    public Func<ZapPath, T>? ZapValueOverride { get; set; }

    /// <summary>Set once a <see cref="KvmBugException"/> was raised (<c>kvm-&gt;vm_bugged</c>).</summary>
    public bool Bugged { get; private set; }

    /// <summary>The live page tables, indexed by host page-table frame (for the invariant walk).</summary>
    internal ReadOnlySpan<KvmMmuPage<T>?> LivePages => _livePages;

    /// <summary>The live page table in host frame <paramref name="pfn"/> (<c>sptep_to_sp</c>), or null.</summary>
    public KvmMmuPage<T>? PageOf(ulong pfn)
    {
        var index = Host.TableIndex(pfn);
        return index < 0 ? null : Volatile.Read(ref _livePages[index]);
    }

    /// <summary>What every zap path writes: <c>SHADOW_NONPRESENT_VALUE</c>, unless a test injected a bug.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T ZapValue(ZapPath path) => ZapValueOverride is { } inject ? inject(path) : T.NonPresent;

    /// <summary>
    /// KVM's <c>KVM_BUG_ON</c>: the MMU found itself inconsistent. The VM is marked bugged (every
    /// later call on it fails with EIO) and the exception to throw is returned.
    /// </summary>
    public KvmBugException KvmBug(string what)
    {
        Bugged = true;
        return new KvmBugException(what);
    }

    /// <summary><c>kvm_flush_remote_tlbs</c>: the model has no TLB, so only the request is counted.</summary>
    public void FlushRemoteTlbs() => Stats.Increment(MmuStat.RemoteTlbFlushes);

    /// <summary><c>kvm_account_mmu_page</c>: a table joined a tree; <see cref="PageOf"/> finds it from now on.</summary>
    internal void AccountMmuPage(KvmMmuPage<T> sp)
    {
        Volatile.Write(ref _livePages[Host.TableIndex(sp.Pfn)], sp);
        Stats.Increment(MmuStat.TablesAllocated);
        Stats.Increment(MmuStat.TablesInUse);
    }

    /// <summary><c>kvm_unaccount_mmu_page</c>: the table left its tree.</summary>
    internal void UnaccountMmuPage(KvmMmuPage<T> sp)
    {
        if (Interlocked.CompareExchange(ref _livePages[Host.TableIndex(sp.Pfn)], null, sp) != sp)
        {
            throw KvmBug($"{sp} was unlinked twice.");
        }

        Stats.Add(MmuStat.TablesInUse, -1);
    }

    /// <summary>The frame of a table goes back to the host after its grace period.</summary>
    internal void FreeMmuPage(KvmMmuPage<T> sp)
    {
        if (Host.EntriesOf<T>(sp.Pfn) is null)
        {
            throw KvmBug($"{sp} was freed twice.");
        }

        Host.FreePageTable(sp.Pfn);
        Stats.Increment(MmuStat.TablesFreed);
    }

    /// <summary><c>kvm-&gt;mmu_lock</c> itself, for callers that watch who waits on it.</summary>
    internal MmuLock MmuLock => _mmuLock;

    /// <summary><c>read_lock(&amp;kvm-&gt;mmu_lock)</c>; dispose the result to unlock.</summary>
    internal LockScope ReadLock() => new(_mmuLock, _mmuLock.EnterRead());

    /// <summary><c>write_lock(&amp;kvm-&gt;mmu_lock)</c>; dispose the result to unlock.</summary>
    internal LockScope WriteLock()
    {
        _mmuLock.EnterWrite();
        return new LockScope(_mmuLock, reader: null);
    }

    /// <summary><c>need_resched() || rwlock_needbreak(&amp;kvm-&gt;mmu_lock)</c> for a holder of the lock for read (<paramref name="shared"/>) or write.</summary>
    internal bool MmuLockNeedBreak(bool shared) => Options.NeedResched?.Invoke() == true || _mmuLock.NeedBreak(shared);

    /// <summary><c>cond_resched_rwlock_read</c> or <c>cond_resched_rwlock_write</c>: the holder lets the waiters in and takes the lock back.</summary>
    internal void MmuLockYield(bool shared)
    {
        if (shared)
        {
            _mmuLock.YieldRead();
        }
        else
        {
            _mmuLock.YieldWrite();
        }
    }

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

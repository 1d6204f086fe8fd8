using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.Mmu.Tdp;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu;

/// <summary>The fault front: <c>kvm_mmu_page_fault</c> → MMIO | fast | <c>kvm_mmu_do_page_fault</c> → the TDP or the legacy direct handler.</summary>
internal sealed partial class KvmMmu<T>
{
    /// <summary>
    /// KVM's <c>kvm_mmu_page_fault</c> for a TDP fault at <paramref name="gpa"/> through
    /// <paramref name="root"/>: a reserved-bit fault (an NPT RSVD #NPF or an EPT
    /// misconfiguration) first tries the MMIO fast path; then the lockless fast path for
    /// write-protected SPTEs; then the full fault, which tops up <paramref name="cache"/> before
    /// taking the MMU lock for read and maps with compare-exchange.
    /// </summary>
    /// <returns>What to do next: re-enter the guest (<see cref="PageFaultResult.Fixed"/>,
    /// <see cref="PageFaultResult.Spurious"/>, <see cref="PageFaultResult.Retry"/>) or emulate
    /// the access (<see cref="PageFaultResult.Emulate"/>).</returns>
    /// <exception cref="HostMemoryExhaustedException">The cache could not be topped up; nothing changed.</exception>
    /// <exception cref="KvmBugException">A reserved-bit fault hit an SPTE that is not MMIO (KVM's <c>-EINVAL</c> with a WARN).</exception>
    public PageFaultResult PageFault(KvmMmuPage<T> root, ulong gpa, PageFaultErrorCode errorCode, MemoryCache<T> cache) =>
        PageFault(root, gpa, errorCode, cache, out _);

    /// <summary>
    /// <see cref="PageFault(KvmMmuPage{T}, ulong, PageFaultErrorCode, MemoryCache{T})"/>, and
    /// what the fault last read or wrote on its walk (KVM's <c>kvm_mmu_spte_requested</c> and
    /// <c>fast_page_fault</c> tracepoints), so a vCPU can log it without walking again.
    /// </summary>
    public PageFaultResult PageFault(KvmMmuPage<T> root, ulong gpa, PageFaultErrorCode errorCode, MemoryCache<T> cache, out FaultTrace trace)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(cache);
        Stats.Increment(MmuStat.PfTaken);
        var fault = new KvmPageFault
        {
            Addr = gpa,
            ErrorCode = errorCode,
            Gfn = gpa >> HostMemory.PageShift,
            AsId = root.AsId,
            MaxLevel = Options.MaxHugePageLevel,
            PteAccess = SpteAccess.All,
        };
        var result = PageFaultCore(root, ref fault, cache);
        trace = new FaultTrace(fault.TraceLevel, fault.TraceSpte);
        Stats.Increment(result switch
        {
            PageFaultResult.Fixed => MmuStat.PfFixed,
            PageFaultResult.Spurious => MmuStat.PfSpurious,
            PageFaultResult.Emulate => MmuStat.PfEmulate,
            _ => MmuStat.PfRetry,
        });
        Rcu.Poll();
        return result;
    }

    /// <summary>
    /// KVM's <c>kvm_tdp_mmu_get_walk</c>: the SPTEs on the path to <paramref name="gpa"/>, root
    /// first, down to the last one read (a leaf or a non-present entry).
    /// </summary>
    public IReadOnlyList<(int Level, T Spte)> GetWalk(KvmMmuPage<T> root, ulong gpa)
    {
        ArgumentNullException.ThrowIfNull(root);
        using (Rcu.ReadLock())
        {
            return root.TdpMmuPage ? Tdp.GetWalk(root, gpa >> HostMemory.PageShift) : Shadow.GetWalk(root, gpa >> HostMemory.PageShift);
        }
    }

    private PageFaultResult PageFaultCore(KvmMmuPage<T> root, ref KvmPageFault fault, MemoryCache<T> cache)
    {
        if ((fault.ErrorCode & PageFaultErrorCode.Rsvd) != 0)
        {
            var mmio = HandleMmioPageFault(root, ref fault);
            if (mmio != PageFaultResult.Invalid)
            {
                return mmio;
            }
        }

        return KvmMmuDoPageFault(root, ref fault, cache);
    }

    /// <summary>KVM's <c>kvm_mmu_do_page_fault</c>: the TDP MMU's handler for its roots, the legacy direct handler for the legacy MMU's.</summary>
    private PageFaultResult KvmMmuDoPageFault(KvmMmuPage<T> root, ref KvmPageFault fault, MemoryCache<T> cache) =>
        root.TdpMmuPage ? KvmTdpPageFault(root, ref fault, cache) : DirectPageFault(root, ref fault, cache);

    /// <summary>
    /// KVM's <c>kvm_tdp_mmu_page_fault</c>: the fast path, then faultin after topping up the
    /// cache (before any lock, so running out of memory changes nothing), then the map step
    /// under the shared lock unless the fault went stale meanwhile.
    /// </summary>
    private PageFaultResult KvmTdpPageFault(KvmMmuPage<T> root, ref KvmPageFault fault, MemoryCache<T> cache)
    {
        var fast = FastPageFault(root, ref fault);
        if (fast != PageFaultResult.Invalid)
        {
            return fast;
        }

        cache.Topup(Options.TopupMin);
        var faultin = FaultinPfn(ref fault);
        if (faultin != PageFaultResult.Continue)
        {
            return faultin;
        }

        using (ReadLock())
        {
            if (IsPageFaultStale(root, in fault))
            {
                return PageFaultResult.Retry;
            }

            return Tdp.KvmTdpMmuMap(root, ref fault, cache);
        }
    }

    /// <summary>
    /// KVM's <c>direct_page_fault</c> for a root of the legacy MMU: the fast path, faultin after
    /// topping up the cache, then <c>direct_map</c> under the MMU lock held for write (the legacy
    /// MMU does not run faults in parallel) unless the fault went stale meanwhile.
    /// </summary>
    private PageFaultResult DirectPageFault(KvmMmuPage<T> root, ref KvmPageFault fault, MemoryCache<T> cache)
    {
        var fast = FastPageFault(root, ref fault);
        if (fast != PageFaultResult.Invalid)
        {
            return fast;
        }

        cache.Topup(Options.TopupMin);
        var faultin = FaultinPfn(ref fault);
        if (faultin != PageFaultResult.Continue)
        {
            return faultin;
        }

        using (WriteLock())
        {
            return IsPageFaultStale(root, in fault) ? PageFaultResult.Retry : Shadow.DirectMap(root, ref fault, cache);
        }
    }

    /// <summary>
    /// KVM's <c>is_page_fault_stale</c>: the root was invalidated, or an invalidation of the GFN is
    /// running, or one ended, since faultin looked up the host page.
    /// </summary>
    private bool IsPageFaultStale(KvmMmuPage<T> root, in KvmPageFault fault) =>
        IsObsoleteRoot(root) || MmuInvalidateRetryGfn(fault.MmuSeq, fault.Gfn);

    /// <summary>
    /// KVM's <c>handle_mmio_page_fault</c>: the SPTE that raised the reserved-bit fault is an
    /// MMIO SPTE of the current generation → emulate; a stale one → take the full fault, which
    /// rebuilds it; a zapped one → retry.
    /// </summary>
    private PageFaultResult HandleMmioPageFault(KvmMmuPage<T> root, ref KvmPageFault fault)
    {
        var (level, spte) = GetWalk(root, fault.Addr)[^1];
        fault.Trace(level, spte);
        if (Options.Mmio.IsMmioSpte(spte.Raw))
        {
            if (spte.MmioGeneration != Memslots.MmioGeneration)
            {
                Stats.Increment(MmuStat.MmioSpteStale);
                return PageFaultResult.Invalid;
            }

            return PageFaultResult.Emulate;
        }

        if (spte.IsPresent)
        {
            throw KvmBug($"Reserved-bit fault at GPA 0x{fault.Addr:X} on a present SPTE that is not MMIO: {spte} at level {level}.");
        }

        return PageFaultResult.Retry;
    }

    /// <summary>
    /// KVM's <c>fast_page_fault</c>: a write to a present leaf that dirty logging
    /// write-protected but left MMU-writable is fixed without the MMU lock by setting the
    /// writable bit with compare-exchange (<c>fast_pf_fix_direct_spte</c>), and the page is
    /// marked dirty.
    /// </summary>
    private PageFaultResult FastPageFault(KvmMmuPage<T> root, ref KvmPageFault fault)
    {
        if (!fault.Present || !fault.Write || (fault.ErrorCode & PageFaultErrorCode.Rsvd) != 0)
        {
            return PageFaultResult.Invalid;
        }

        using (Rcu.ReadLock())
        {
            int level;
            T spte;
            ref var sptep = ref root.TdpMmuPage
                ? ref Tdp.FastPfGetLastSptep(root, fault.Gfn, out level, out spte)
                : ref Shadow.FastPfGetLastSptep(root, fault.Gfn, out level, out spte);
            if (Unsafe.IsNullRef(ref sptep) || !spte.IsPresent || !Spte<T>.IsMmuWritableSpte(spte))
            {
                return PageFaultResult.Invalid;
            }

            fault.Trace(level, spte);
            if (Spte<T>.IsWritablePte(spte))
            {
                return PageFaultResult.Spurious;
            }

            var slot = Memslots.GfnToMemslot(fault.AsId, fault.Gfn);
            if (slot is null || (level > PgLevel.Pg4K && slot.DirtyLogging))
            {
                return PageFaultResult.Invalid;
            }

            var writable = T.FromRaw(spte.Raw | T.PtWritableMask | T.ShadowDirtyMask);
            if (Interlocked.CompareExchange(ref Unsafe.As<T, ulong>(ref sptep), writable.Raw, spte.Raw) != spte.Raw)
            {
                return PageFaultResult.Retry;
            }

            fault.Trace(level, writable);
            slot.MarkPageDirty(fault.Gfn);
            Stats.Increment(MmuStat.PfFast);
            return PageFaultResult.Fixed;
        }
    }
}

using System;
using Spte.Runtime.Hardware;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu.Paging;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu;

/// <summary>The shadow-paging fault and the guest's TLB flushes (paging_tmpl.h's <c>FNAME(page_fault)</c>, <c>invlpg</c>, CR3 loads).</summary>
internal sealed partial class KvmMmu<T>
{
    /// <summary>
    /// KVM's <c>FNAME(page_fault)</c> for a #PF at <paramref name="gva"/> taken on the shadow
    /// tables of <paramref name="root"/>: a reserved-bit fault on an MMIO SPTE is emulated; then
    /// the guest's tables are walked (a failure is the guest's own #PF); a write to a guest table
    /// KVM write-tracks is emulated; otherwise faultin after topping up the cache and, under the
    /// write lock, <c>FNAME(fetch)</c>. <c>gpa</c> is what the access translates to, for the emulator.
    /// </summary>
    public PageFaultResult ShadowPageFault(KvmMmuPage<T> root, ulong gva, PageFaultErrorCode errorCode, KvmSregs sregs, GuestWalker walker, MemoryCache<T> cache, out FaultTrace trace, out ulong gpa)
    {
        ArgumentNullException.ThrowIfNull(root);
        Stats.Increment(MmuStat.PfTaken);
        var kind = (errorCode & PageFaultErrorCode.Write) != 0 ? GuestAccessKind.Write
            : (errorCode & PageFaultErrorCode.Fetch) != 0 ? GuestAccessKind.Fetch : GuestAccessKind.Read;
        var fault = new KvmPageFault { Addr = gva, ErrorCode = errorCode, AsId = root.AsId };
        var result = ShadowPageFaultCore(root, gva, kind, sregs, walker, cache, ref fault, out gpa);
        trace = new FaultTrace(fault.TraceLevel, fault.TraceSpte);
        Stats.Increment(result switch
        {
            PageFaultResult.Fixed => MmuStat.PfFixed,
            PageFaultResult.Spurious => MmuStat.PfSpurious,
            PageFaultResult.Emulate => MmuStat.PfEmulate,
            PageFaultResult.GuestFault => MmuStat.PfGuest,
            _ => MmuStat.PfRetry,
        });
        Rcu.Poll();
        return result;
    }

    /// <summary>
    /// KVM's <c>kvm_mmu_invalidate_addr</c> (the guest's <c>invlpg</c>): the unsync entry on the
    /// path to <paramref name="gva"/> is synced.
    /// </summary>
    public void InvalidateAddr(KvmMmuPage<T> root, ulong gva, KvmSregs sregs, GuestWalker walker)
    {
        using (WriteLock())
        {
            Shadow.InvalidateAddr(root, gva, walker, Nx(sregs));
        }

        Rcu.Poll();
    }

    /// <summary>KVM's <c>kvm_mmu_sync_roots</c> (a CR3 load flushes the guest's TLB): every unsync page under <paramref name="root"/> is synced.</summary>
    public void SyncRoots(KvmMmuPage<T> root, KvmSregs sregs, GuestWalker walker)
    {
        using (WriteLock())
        {
            Shadow.SyncRoots(root, walker, Nx(sregs));
        }

        Rcu.Poll();
    }

    /// <summary>KVM's <c>kvm_page_track_write</c> from the emulator: shadow pages of the guest table written at <paramref name="gpa"/> drop the entries it changed.</summary>
    public void TrackWrite(int asId, ulong gpa, int bytes)
    {
        if (!Options.ShadowPaging)
        {
            return;
        }

        using (WriteLock())
        {
            Shadow.KvmMmuTrackWrite(asId, gpa, bytes);
        }

        Rcu.Poll();
    }

    private PageFaultResult ShadowPageFaultCore(KvmMmuPage<T> root, ulong gva, GuestAccessKind kind, KvmSregs sregs, GuestWalker walker, MemoryCache<T> cache, ref KvmPageFault fault, out ulong gpa)
    {
        gpa = 0;
        if ((fault.ErrorCode & PageFaultErrorCode.Rsvd) != 0)
        {
            var mmio = HandleMmioPageFault(root, ref fault);
            if (mmio == PageFaultResult.Emulate)
            {
                // The emulator translates the address again (kvm_mmu_gva_to_gpa).
                return walker.WalkAddr(gva, kind, sregs, root.AsId, updateAccessedDirty: false, out var translation)
                    ? Emulated(translation.Gpa(gva), out gpa)
                    : PageFaultResult.GuestFault;
            }

            if (mmio != PageFaultResult.Invalid)
            {
                return mmio;
            }
        }

        if (!walker.WalkAddr(gva, kind, sregs, root.AsId, updateAccessedDirty: true, out var walk))
        {
            fault.ErrorCode = walk.Fault;
            return PageFaultResult.GuestFault;
        }

        gpa = walk.Gpa(gva);
        fault.Gfn = walk.Gfn;

        // A large SPTE only where the guest page is as large; the slot's lpage_info then keeps
        // it off large pages with a shadowed guest table inside.
        fault.MaxLevel = Math.Min(walk.Level, Options.MaxHugePageLevel);
        fault.PteAccess = walk.PteAccess | SupervisorAccess;
        if (!walk.Leaf.Dirty && kind != GuestAccessKind.Write)
        {
            // FNAME(protect_clean_gpte): a clean guest page is mapped read-only, so its first write sets D.
            fault.PteAccess &= ~SpteAccess.Write;
        }

        if (fault.Write && Shadow.IsWriteTracked(fault.AsId, fault.Gfn))
        {
            return PageFaultResult.Emulate;
        }

        cache.Topup(Options.TopupMin);
        var faultin = FaultinPfn(ref fault);
        if (faultin != PageFaultResult.Continue)
        {
            return faultin;
        }

        using (WriteLock())
        {
            return IsPageFaultStale(root, in fault) ? PageFaultResult.Retry : Shadow.FetchPaging(root, gva, in walk, ref fault, cache);
        }
    }

    private static PageFaultResult Emulated(ulong translated, out ulong gpa)
    {
        gpa = translated;
        return PageFaultResult.Emulate;
    }

    /// <summary>
    /// The model's guests run in supervisor mode, and the simulated CPU walks the shadow tables
    /// as a user access, so shadow leafs grant U whatever the guest's U/S bit says (SMEP and SMAP
    /// are not modelled).
    /// </summary>
    internal const SpteAccess SupervisorAccess = SpteAccess.User;

    private static bool Nx(KvmSregs sregs) => (sregs.Efer & X86Efer.Nxe) != 0;
}

using Spte.Runtime.Hardware;
using Spte.Runtime.Memory;
using Spte.Runtime.X86;

namespace Spte.Runtime;

/// <summary>Guest paging: the vCPU's control registers, the #PF intercept and the guest's TLB flushes (shadow paging).</summary>
public sealed partial class KvmVcpu<T>
{
    /// <summary>4-level paging translates 48-bit addresses; the model's guests use the lower half only.</summary>
    private const ulong CanonicalLimit = 1UL << 47;

    private KvmSregs _sregs = new();

    /// <inheritdoc/>
    public override KvmSregs GetSregs()
    {
        _vm.ThrowIfBugged();
        return _sregs;
    }

    /// <inheritdoc/>
    public override void SetSregs(KvmSregs sregs)
    {
        System.ArgumentNullException.ThrowIfNull(sregs);
        _vm.ThrowIfBugged();
        if (IsTd)
        {
            throw new KvmException(KvmErrno.EINVAL, "a TD's registers are protected (guest_state_protected).");
        }

        var longMode = (sregs.Efer & X86Efer.Lme) != 0 && sregs.Paging;
        if ((sregs.Paging && (sregs.Cr0 & X86Cr0.Pe) == 0)
            || (longMode && (sregs.Cr4 & X86Cr4.Pae) == 0)
            || longMode != ((sregs.Efer & X86Efer.Lma) != 0))
        {
            throw new KvmException(KvmErrno.EINVAL, $"invalid control registers (kvm_is_valid_sregs): {sregs}.");
        }

        if (sregs.Cr3 >> _vm.GuestMaxPhyAddr != 0)
        {
            throw new KvmException(KvmErrno.EINVAL, $"CR3 0x{sregs.Cr3:X} lies beyond the guest's MAXPHYADDR.");
        }

        if (sregs.Paging && (!longMode || (sregs.Cr4 & X86Cr4.La57) != 0))
        {
            throw new System.NotSupportedException("Only 4-level 64-bit guest paging is modelled (not 32-bit, PAE or 5-level).");
        }

        if (sregs.Paging && !_vm.ShadowPaging)
        {
            throw new System.NotSupportedException("Guest paging under EPT/NPT (the two-dimensional walk) is not modelled; create the VM with KvmModuleParams.Tdp = false for shadow paging.");
        }

        _sregs = sregs;
    }

    /// <summary>The guest's <c>invlpg</c> or CR3 load: with a shadow root, KVM syncs what the guest may have changed (<c>kvm_mmu_invalidate_addr</c>, <c>kvm_mmu_sync_roots</c>).</summary>
    private void GuestTlbFlush(GuestAccess access)
    {
        if (access.Kind == GuestAccessKind.MovToCr3)
        {
            _sregs = _sregs with { Cr3 = access.Value };
        }

        LoadRoot();
        if (access.Kind == GuestAccessKind.Invlpg)
        {
            VcpuMmu.Invlpg(access.Gpa, _sregs);
        }
        else
        {
            VcpuMmu.SyncRoots(_sregs);
        }

        Record(VcpuEventKind.GuestTlbFlush, access.Gpa, VcpuMmu.Direct ? $"{access}: nothing to sync" : $"{access}: unsync shadow pages synced");
        Stats.Increment(VcpuStat.GuestAccesses);
        AddCompleted(new GuestAccessResult(access, 0));
    }

    /// <summary>The #PF intercept of shadow paging (<c>handle_exception_nmi</c> / <c>pf_interception</c>): the error code of a supervisor access.</summary>
    private PageFaultErrorCode PageFaultIntercept(TdpWalkResult walk, ulong gva)
    {
        Record(VcpuEventKind.PageFaultIntercept, gva, $"#PF intercepted: {walk.Reason} at level {walk.Level}");
        return walk.ErrorCode & ~(PageFaultErrorCode.User | PageFaultErrorCode.GuestFinal | PageFaultErrorCode.GuestPage);
    }

    /// <summary>A fault the guest cannot take (it has no IDT): a triple fault, <c>KVM_EXIT_SHUTDOWN</c>.</summary>
    private KvmExitReason Shutdown(ulong gva, string why)
    {
        Stats.Increment(VcpuStat.GuestPageFaults);
        Record(VcpuEventKind.GuestPageFault, gva, $"{why}: triple fault");
        _current = null;
        return Exit(KvmExitReason.Shutdown);
    }
}

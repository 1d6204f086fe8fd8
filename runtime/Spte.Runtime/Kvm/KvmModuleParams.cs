namespace Spte.Runtime;

/// <summary>
/// The parameters the KVM modules are loaded with, as a VMM's host has them set; a VM takes them
/// when it is created.
/// </summary>
public sealed record KvmModuleParams
{
    private readonly int _nxHugePagesRecoveryRatio = 60;

    /// <summary>
    /// <c>kvm.tdp_mmu</c>: true (the default) builds EPT/NPT with the TDP MMU; false with the
    /// legacy MMU (shadow pages, rmaps, faults under the write lock), as <c>tdp_mmu=N</c> does.
    /// TDX needs the TDP MMU.
    /// </summary>
    public bool TdpMmu { get; init; } = true;

    /// <summary>
    /// <c>kvm_intel.ept</c> / <c>kvm_amd.npt</c>: true (the default) translates guest-physical
    /// addresses with EPT/NPT; false is shadow paging — the legacy MMU builds x86 page tables that
    /// shadow the guest's own (set with <see cref="KvmVcpu.SetSregs"/>), write-protects the guest's
    /// table pages and syncs on the guest's TLB flushes. TDX needs EPT.
    /// </summary>
    public bool Tdp { get; init; } = true;

    /// <summary>
    /// <c>CONFIG_KVM_INTEL_PROVE_VE</c>: on Intel, every VM (not only a TD) runs with EPT-violation
    /// #VE enabled and #VE intercepted, so a non-present SPTE that lost its suppress-#VE bit turns
    /// the guest's next access into a #VE that KVM catches: it WARNs, dumps the SPTEs
    /// (<see cref="VcpuEventKind.UnexpectedVe"/>) and resumes the guest. The #VE information
    /// area stays busy, so later violations exit to KVM as usual.
    /// </summary>
    public bool ProveVe { get; init; }

    /// <summary>
    /// <c>CONFIG_KVM_PROVE_MMU</c>'s check of SPTE writes in EPT VMs: every write the MMUs make
    /// runs KVM's <c>is_ept_ve_possible</c> test, and a value that could deliver a #VE — suppress-#VE
    /// clear — is a KVM bug unless it is an MMIO SPTE of the VM for that GFN (so a TD's MMIO
    /// SPTEs pass). Where KVM WARNs, the model throws <see cref="Mmu.KvmBugException"/> and marks
    /// the VM bugged. Off (the default), a write costs one test of a field.
    /// </summary>
    public bool ProveMmu { get; init; }

    /// <summary>
    /// <c>kvm.eager_page_split</c>: true (the default) splits a slot's huge pages to 4K when dirty
    /// logging starts, and under <c>KVM_DIRTY_LOG_INITIALLY_SET</c> when <c>KVM_CLEAR_DIRTY_LOG</c>
    /// first reaches them; false leaves them large (write-protected) until a write faults on each,
    /// which splits that one. The TDP MMU only, as in KVM.
    /// </summary>
    public bool EagerPageSplit { get; init; } = true;

    /// <summary>
    /// <c>kvm_intel.enable_pml</c>: dirty logging by the CPU's page-modification log. Starting to
    /// log clears the dirty flags of the slot's leafs instead of write-protecting them at 4K, the
    /// CPU logs each write that sets a flag again, and KVM moves the log into the dirty bitmap at
    /// every VM exit; get and clear clear the flags again. Off by default here (KVM turns it on
    /// where the CPU has it), so a VM write-protects, as with <c>enable_pml=0</c>. Intel with
    /// EPT and the TDP MMU only.
    /// </summary>
    public bool EnablePml { get; init; }

    /// <summary>
    /// <c>kvm.nx_huge_pages</c>, the iTLB multihit mitigation (KVM's "auto" turns it on only on
    /// affected CPUs, so off is the default): large leafs are made non-executable, an instruction
    /// fetch from one splits it and maps the fetched page 4K and executable, and the tables made
    /// that way are counted (<see cref="Mmu.MmuStat.NxLpageSplits"/>) so
    /// <see cref="KvmVm.RecoverNxHugePages"/> can zap them back to huge pages.
    /// </summary>
    public bool NxHugePages { get; init; }

    /// <summary><c>kvm.nx_huge_pages_recovery_ratio</c>: each recovery pass zaps 1/ratio of the split tables (KVM's default 60; 0 never recovers).</summary>
    /// <exception cref="System.ArgumentOutOfRangeException">The ratio is negative (the kernel's parameter is unsigned).</exception>
    public int NxHugePagesRecoveryRatio
    {
        get => _nxHugePagesRecoveryRatio;
        init => _nxHugePagesRecoveryRatio = value >= 0 ? value : throw new System.ArgumentOutOfRangeException(nameof(value), value, "nx_huge_pages_recovery_ratio is unsigned.");
    }
}

namespace Spte.Runtime;

/// <summary>
/// The parameters the KVM modules are loaded with, as a VMM's host has them set; a VM takes them
/// when it is created.
/// </summary>
public sealed record KvmModuleParams
{
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
}

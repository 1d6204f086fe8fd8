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
}

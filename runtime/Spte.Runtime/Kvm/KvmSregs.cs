using Spte.Runtime.X86;

namespace Spte.Runtime;

/// <summary>
/// The part of <c>struct kvm_sregs</c> (<c>KVM_GET_SREGS</c>/<c>KVM_SET_SREGS</c>) that decides
/// how guest addresses are translated: with CR0.PG clear, guest accesses are guest-physical; with
/// it set (and long mode), guest-virtual, walked through the 4-level tables at CR3.
/// </summary>
public sealed record KvmSregs
{
    /// <summary>CR0.</summary>
    public X86Cr0 Cr0 { get; init; }

    /// <summary>CR3: the guest-physical address of the PML4 table (bits 12..51; the low bits are PCD/PWT).</summary>
    public ulong Cr3 { get; init; }

    /// <summary>CR4.</summary>
    public X86Cr4 Cr4 { get; init; }

    /// <summary>EFER.</summary>
    public X86Efer Efer { get; init; }

    /// <summary>Whether guest addresses are virtual (CR0.PG).</summary>
    public bool Paging => (Cr0 & X86Cr0.Pg) != 0;

    /// <summary>
    /// 64-bit mode with 4-level paging, the PML4 at <paramref name="cr3"/>: what a guest
    /// kernel runs with (CR0.PE|PG|WP, CR4.PAE, EFER.LME|LMA|NXE).
    /// </summary>
    public static KvmSregs LongMode(ulong cr3) => new()
    {
        Cr0 = X86Cr0.Pe | X86Cr0.Pg | X86Cr0.Wp,
        Cr3 = cr3,
        Cr4 = X86Cr4.Pae,
        Efer = X86Efer.Lme | X86Efer.Lma | X86Efer.Nxe,
    };
}

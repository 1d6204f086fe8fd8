using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu;

/// <summary>
/// KVM's <c>union kvm_mmu_page_role</c>, the part that tells shadow pages apart: the level of
/// the table's entries, the address space, whether it maps guest-physical memory directly (TDP
/// and direct legacy pages) or shadows a guest page table, and the access the guest allowed.
/// The legacy MMU will hash its pages by (gfn, role); the TDP MMU's pages are all direct with
/// full access. (<c>role.invalid</c> is <see cref="KvmMmuPage{T}.Invalid"/>: it changes, a role does not.)
/// </summary>
/// <param name="Level">The level of the entries (<c>role.level</c>).</param>
/// <param name="AsId">The address space (<c>role.smm</c>, <c>kvm_mmu_page_as_id</c>).</param>
/// <param name="Direct">Whether the page maps guest-physical memory directly (<c>role.direct</c>).</param>
/// <param name="Access">The guest access bits the page's entries may grant (<c>role.access</c>).</param>
internal readonly record struct KvmMmuPageRole(int Level, int AsId, bool Direct, SpteAccess Access)
{
    /// <summary>The role of a TDP MMU page (<c>kvm_mmu_child_role</c> of a direct root).</summary>
    public static KvmMmuPageRole Tdp(int level, int asId) => new(level, asId, Direct: true, SpteAccess.All);
}

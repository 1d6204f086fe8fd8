using Spte.Runtime.Formats;
using Spte.Runtime.Memory;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu.Paging;

/// <summary>
/// KVM's <c>struct guest_walker</c>: where a walk of the guest's tables went, level by level
/// (the table GFN and the entry read), the translation it ended in, and the access the guest's
/// entries allow together; or the page fault it raised.
/// </summary>
internal struct GuestWalk
{
    /// <summary>The level of the leaf (<c>walker-&gt;level</c>): 1, or 2/3 for a guest large page.</summary>
    public int Level;

    /// <summary>The GFN the address translates to (<c>walker-&gt;gfn</c>: for a large page, the 4K frame inside it).</summary>
    public ulong Gfn;

    /// <summary>The access all entries on the path allow together (<c>walker-&gt;pte_access</c>).</summary>
    public SpteAccess PteAccess;

    /// <summary>The page-fault error code when the walk failed (<c>walker-&gt;fault.error_code</c>).</summary>
    public PageFaultErrorCode Fault;

    /// <summary>Whether the walk failed (a guest #PF).</summary>
    public bool Faulted;

    /// <summary>Per level: the GFN of the guest table read there (<c>walker-&gt;table_gfn</c>).</summary>
    public LevelWords TableGfn;

    /// <summary>Per level: the access the entries from the top down to this level allow (<c>walker-&gt;pt_access</c>), as <see cref="SpteAccess"/> bits.</summary>
    public LevelWords PtAccess;

    /// <summary>Per level: the guest entry read there (<c>walker-&gt;ptes</c>).</summary>
    public LevelWords Ptes;

    /// <summary>The leaf's guest entry.</summary>
    public readonly GuestPte Leaf => GuestPte.FromRaw(Ptes[Level]);

    /// <summary>The guest-physical address of <paramref name="gva"/> after a successful walk.</summary>
    public readonly ulong Gpa(ulong gva) => (Gfn << HostMemory.PageShift) | (gva & (HostMemory.PageSize - 1));
}

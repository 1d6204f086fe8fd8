using Spte.Runtime.Formats;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu.Spte;

namespace Spte.Runtime.Mmu;

/// <summary>
/// KVM's <c>struct kvm_mmu_page</c>, shared by the TDP MMU and the legacy MMU: one page table,
/// its role (level, address space, direct, access), the first GFN it maps, and where it is linked
/// from — one entry for a TDP page (<c>sp-&gt;ptep</c>), a list for a legacy page
/// (<c>sp-&gt;parent_ptes</c>). A root also carries a reference count and the
/// <c>role.invalid</c> flag.
/// </summary>
/// <typeparam name="T">The entry format.</typeparam>
internal sealed class KvmMmuPage<T>
    where T : struct, IKvmSpte<T>
{
    private volatile bool _invalid;

    internal KvmMmuPage(PageTablePage<T> page, int level, ulong gfn, int asId, KvmMmuPage<T>? parent, int parentIndex)
    {
        Pfn = page.Pfn;
        Spt = page.Spt;
        Role = KvmMmuPageRole.Tdp(level, asId);
        Gfn = gfn;
        Parent = parent;
        ParentIndex = parentIndex;
        TdpMmuPage = true;
        IsRoot = parent is null;
    }

    /// <summary>A page of the legacy MMU (<c>kvm_mmu_alloc_shadow_page</c>); its parents are linked later.</summary>
    internal KvmMmuPage(PageTablePage<T> page, KvmMmuPageRole role, ulong gfn, bool isRoot, ulong mmuValidGen)
    {
        Pfn = page.Pfn;
        Spt = page.Spt;
        Role = role;
        Gfn = gfn;
        IsRoot = isRoot;
        MmuValidGen = mmuValidGen;
        ShadowedGfns = role.Direct ? null : new ulong[HostMemory.EntriesPerPage];
    }

    /// <summary>The host frame of the table.</summary>
    public ulong Pfn { get; }

    /// <summary>The 512 entries (<c>sp-&gt;spt</c>).</summary>
    public T[] Spt { get; }

    /// <summary>What the page is (<c>sp-&gt;role</c>).</summary>
    public KvmMmuPageRole Role { get; }

    /// <summary>The level of the entries in this table (<c>role.level</c>).</summary>
    public int Level => Role.Level;

    /// <summary>The first GFN the table maps (<c>sp-&gt;gfn</c>).</summary>
    public ulong Gfn { get; }

    /// <summary>The address space (<c>kvm_mmu_page_as_id</c>).</summary>
    public int AsId => Role.AsId;

    /// <summary>Whether this is a root (a vCPU loads it; it has no parent entry).</summary>
    public bool IsRoot { get; }

    /// <summary>Whether the TDP MMU owns the page (<c>sp-&gt;tdp_mmu_page</c>); otherwise the legacy MMU does.</summary>
    public bool TdpMmuPage { get; }

    /// <summary>For a root: whether it was invalidated and must not be used for new walks (<c>role.invalid</c>).</summary>
    public bool Invalid
    {
        get => _invalid;
        internal set => _invalid = value;
    }

    /// <summary>For a TDP page: the table holding the entry that links this one, or null for a root.</summary>
    internal KvmMmuPage<T>? Parent { get; }

    /// <summary>The index of the linking entry in <see cref="Parent"/>.</summary>
    internal int ParentIndex { get; }

    /// <summary>Root references: one held by the MMU until invalidation, one per vCPU using it (<c>tdp_mmu_root_count</c>).</summary>
    internal int RootCount;

    /// <summary>For a legacy page: the entries that link it (<c>sp-&gt;parent_ptes</c>).</summary>
    internal Shadow.PteList<T> ParentPtes;

    /// <summary>For a legacy page: the generation it was made in (<c>sp-&gt;mmu_valid_gen</c>); an older one is obsolete.</summary>
    internal ulong MmuValidGen { get; }

    /// <summary>For a legacy page: the page is zapped and waits in the invalid list for the commit (deferred free).</summary>
    internal bool Zapped { get; set; }

    /// <summary>For a page that shadows a guest table: the <c>lpage_info</c> its table counts in (see <c>account_shadowed</c>), or null outside any slot.</summary>
    internal Memslots.KvmLpageInfo? ShadowedLpageInfo { get; set; }

    /// <summary>
    /// For a page that shadows a guest table (<c>!role.direct</c>): per entry, the GFN it maps or
    /// the guest table its child shadows (<c>sp-&gt;shadowed_translation</c>), which the page's
    /// own GFN cannot give.
    /// </summary>
    internal ulong[]? ShadowedGfns { get; }

    /// <summary>
    /// For a last-level page that shadows a guest table: the guest may write that table without
    /// a fault, so the entries may be stale until the next <c>sync_page</c> (<c>sp-&gt;unsync</c>).
    /// </summary>
    internal bool Unsync { get; set; }

    /// <summary>
    /// The table was made because an instruction fetch could not use a large leaf (the NX huge
    /// page mitigation, <c>sp-&gt;nx_huge_page_disallowed</c>): later faults must not replace it
    /// with a large leaf, or the guest would fetch, split and map large again in a loop.
    /// </summary>
    internal bool NxHugePageDisallowed { get; set; }

    /// <summary>Where the page is in the VM's list of recovery candidates (<c>possible_nx_huge_page_link</c>); null when not listed.</summary>
    internal System.Collections.Generic.LinkedListNode<KvmMmuPage<T>>? PossibleNxHugePageLink { get; set; }

    /// <summary>Set by <c>kvm_tdp_mmu_invalidate_all_roots</c>, cleared when the root is zapped.</summary>
    internal bool ScheduledRootToZap { get; set; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{(IsRoot ? "root" : "table")} pfn 0x{Pfn:X} level {Level} gfn 0x{Gfn:X} as {AsId}{(Invalid ? " (invalid)" : string.Empty)}";
}

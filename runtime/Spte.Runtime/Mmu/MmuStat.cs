namespace Spte.Runtime.Mmu;

/// <summary>The MMU's counters and gauges (KVM's <c>pf_*</c> vCPU stats and <c>pages_*</c> VM stats where KVM has one).</summary>
public enum MmuStat
{
    /// <summary><c>pf_taken</c>: page faults handled (fast and slow path).</summary>
    PfTaken,

    /// <summary><c>pf_fixed</c>: faults that installed an SPTE.</summary>
    PfFixed,

    /// <summary><c>pf_fast</c>: faults fixed locklessly (a write-protected, MMU-writable SPTE made writable).</summary>
    PfFast,

    /// <summary><c>pf_spurious</c>: faults that found the SPTE already right.</summary>
    PfSpurious,

    /// <summary><c>pf_emulate</c>: faults that need the access emulated (MMIO, read-only memory).</summary>
    PfEmulate,

    /// <summary>Faults that returned <c>RET_PF_RETRY</c> (an entry changed or was frozen under the fault).</summary>
    PfRetry,

    /// <summary><c>pf_mmio_spte_created</c>: MMIO SPTEs installed.</summary>
    PfMmioSpteCreated,

    /// <summary>MMIO SPTEs found with a stale memslot generation and rebuilt.</summary>
    MmioSpteStale,

    /// <summary>Times a walk met a frozen SPTE and backed off.</summary>
    FrozenSpteSeen,

    /// <summary><c>pages_4k</c>: 4K leaf SPTEs now present.</summary>
    Pages4K,

    /// <summary><c>pages_2m</c>: 2M leaf SPTEs now present.</summary>
    Pages2M,

    /// <summary><c>pages_1g</c>: 1G leaf SPTEs now present.</summary>
    Pages1G,

    /// <summary>Leaf SPTEs that stopped being present (every zap path, and children of removed tables).</summary>
    SptesZapped,

    /// <summary>Page tables linked into a tree, roots included.</summary>
    TablesAllocated,

    /// <summary>Page tables returned to the host after their grace period.</summary>
    TablesFreed,

    /// <summary><c>tdp_mmu_pages</c>: page tables now linked, roots included.</summary>
    TablesInUse,

    /// <summary>Roots allocated.</summary>
    RootsAllocated,

    /// <summary>Remote TLB flushes requested (there is no TLB in the model; flushes are counted only).</summary>
    RemoteTlbFlushes,

    /// <summary><c>mmu_unsync</c>: shadow pages of guest tables marked unsync (the guest may write the table until the next sync).</summary>
    MmuUnsync,

    /// <summary><c>pf_guest</c>: shadow-paging faults the guest's own tables raised, reflected to the guest as its #PF.</summary>
    PfGuest,

    /// <summary>Large leafs split into a table of smaller ones (KVM's <c>kvm_mmu_split_huge_page</c> tracepoint): eager splits and splits on fault.</summary>
    HugePagesSplit,

    /// <summary><c>nx_lpage_splits</c>: tables that exist only because an instruction fetch could not use a large leaf (the NX huge page mitigation), each a candidate for recovery.</summary>
    NxLpageSplits,

    /// <summary>Times a long walk dropped and retook the MMU lock for its waiters (<c>tdp_mmu_iter_cond_resched</c>; KVM counts none).</summary>
    MmuLockYields,
}

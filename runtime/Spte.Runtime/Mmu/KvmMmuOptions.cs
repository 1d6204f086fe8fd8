using System;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu;

/// <summary>How a VM's MMU is configured (what KVM derives from the CPU and the VM type).</summary>
internal sealed record KvmMmuOptions
{
    /// <summary>The root level: 4 or 5 (<c>kvm_mmu_get_tdp_level</c>).</summary>
    public int RootLevel { get; init; } = PgLevel.Root4Level;

    /// <summary>The largest leaf level: 3 with 1G pages, 2 without (<c>max_huge_page_level</c>).</summary>
    public int MaxHugePageLevel { get; init; } = PgLevel.Pg1G;

    /// <summary>Whether the TDP MMU builds the tables (KVM's <c>tdp_mmu</c> module parameter); false: the legacy MMU does, with rmaps.</summary>
    public bool TdpMmu { get; init; } = true;

    /// <summary>
    /// Whether the MMU shadows the guest's own page tables (KVM with <c>ept=N</c>/<c>npt=N</c>):
    /// the legacy MMU builds x86 page tables for guest-virtual addresses. Implies the legacy MMU.
    /// </summary>
    public bool ShadowPaging { get; init; }

    /// <summary>KVM's <c>eager_page_split</c>: split huge pages when dirty logging starts (or when <c>KVM_CLEAR_DIRTY_LOG</c> reaches them) rather than on the first write to each.</summary>
    public bool EagerPageSplit { get; init; } = true;

    /// <summary>KVM's <c>nx_huge_pages</c> (the iTLB multihit mitigation): large leafs never execute; an instruction fetch maps 4K.</summary>
    public bool NxHugePages { get; init; }

    /// <summary>KVM's <c>CONFIG_KVM_PROVE_MMU</c>: check every SPTE write (<see cref="KvmMmu{T}.ProveMmuSpteWrite"/>).</summary>
    public bool ProveMmu { get; init; }

    /// <summary>Dirty logging by the CPU's page-modification log (<c>enable_pml</c>): cleared dirty flags instead of write protection at 4K. The TDP MMU over EPT with A/D only.</summary>
    public bool Pml { get; init; }

    /// <summary>
    /// The scheduler's <c>need_resched()</c> as long walks see it: asked at each step that may
    /// yield the MMU lock. Null: only the lock's waiters make a walk yield. Tests set it to force
    /// yields at chosen steps.
    /// </summary>
    public Func<bool>? NeedResched { get; init; }

    /// <summary>How MMIO SPTEs look.</summary>
    public required MmioSpteMask Mmio { get; init; }

    /// <summary>
    /// Pages a fault makes sure its cache holds before taking the MMU lock (KVM tops up
    /// <c>PT64_ROOT_MAX_LEVEL</c>: enough for a full walk plus a root).
    /// </summary>
    public int TopupMin { get; init; } = PgLevel.Root5Level;

    /// <summary>Throws when the options are out of range.</summary>
    internal void Validate()
    {
        if (RootLevel is not (PgLevel.Root4Level or PgLevel.Root5Level))
        {
            throw new ArgumentOutOfRangeException(nameof(RootLevel), RootLevel, "The TDP root level is 4 or 5.");
        }

        if (MaxHugePageLevel is < PgLevel.Pg4K or > PgLevel.Pg1G)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxHugePageLevel), MaxHugePageLevel, "Leaves exist at levels 1 to 3.");
        }

        ArgumentNullException.ThrowIfNull(Mmio);
    }
}

using System;

namespace Spte.Runtime.Memory;

/// <summary>
/// The host has no page left for a page table (KVM's <c>-ENOMEM</c> from
/// <c>kvm_mmu_topup_memory_cache</c>). Raised before any lock is taken and before any entry
/// changes, so the page tables are exactly as they were.
/// </summary>
public sealed class HostMemoryExhaustedException : Exception
{
    /// <summary>Creates the exception for a budget of <paramref name="budget"/> pages, all in use.</summary>
    public HostMemoryExhaustedException(int budget, int needed, int available)
        : base($"Host page-table memory exhausted: the budget of {budget} pages is in use, and a page-table cache that needs at least {needed} pages holds {available}.")
    {
        Budget = budget;
        Needed = needed;
        Available = available;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public HostMemoryExhaustedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public HostMemoryExhaustedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no details.</summary>
    public HostMemoryExhaustedException()
    {
    }

    /// <summary>The host's page-table page budget.</summary>
    public int Budget { get; }

    /// <summary>How many cached pages the fault needed.</summary>
    public int Needed { get; }

    /// <summary>How many the cache held after topping up as far as it could.</summary>
    public int Available { get; }
}

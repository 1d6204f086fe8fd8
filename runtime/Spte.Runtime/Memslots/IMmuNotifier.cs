namespace Spte.Runtime.Memslots;

/// <summary>
/// Linux's <c>struct mmu_notifier_ops</c> as KVM registers it on the VMM's mm: how the host tells
/// the MMU that pages behind guest RAM change. Ranges are page indices into the backing (the
/// host's virtual addresses); the MMU maps them to GFNs through the memslots.
/// </summary>
internal interface IMmuNotifier
{
    /// <summary><c>invalidate_range_start</c>: pages [<paramref name="first"/>, <paramref name="end"/>) are about to change; drop every mapping of them and hold off faults on them.</summary>
    void InvalidateRangeStart(GuestRamBacking backing, ulong first, ulong end);

    /// <summary><c>invalidate_range_end</c>: the change is done; faults may map the pages again.</summary>
    void InvalidateRangeEnd(GuestRamBacking backing, ulong first, ulong end);

    /// <summary><c>change_pte</c>: page <paramref name="index"/> now maps <paramref name="newPte"/>; the notifier records it and updates the MMU's leafs.</summary>
    void ChangePte(GuestRamBacking backing, ulong index, HostPte newPte);
}

using Spte;

namespace Spte.Runtime.Formats;

/// <summary>
/// An entry of the guest's own x86-64 4-level page tables (PML4E, PDPTE, PDE, PTE), which it
/// keeps in guest memory and KVM's shadow paging reads (<c>pt_element_t</c> of paging_tmpl.h
/// for <c>PTTYPE == 64</c>). Here 0 is the right "not present": the guest clears its own
/// entries, so the analyzers stay silent on zero writes to this format while they fire on the
/// SPTE side.
/// </summary>
[SpteFormat(NonPresentValue = 0)]
public readonly partial struct GuestPte
{
    /// <summary>P (bit 0): the CPU uses the entry only when it is set.</summary>
    [Bit(0), Present] public partial bool PagePresent { get; }

    /// <summary>R/W (bit 1): writes allowed (for supervisor code only when CR0.WP is set).</summary>
    [Bit(1)] public partial bool Writable { get; }

    /// <summary>U/S (bit 2): user-mode accesses allowed.</summary>
    [Bit(2)] public partial bool User { get; }

    /// <summary>PWT (bit 3).</summary>
    [Bit(3)] public partial bool WriteThrough { get; }

    /// <summary>PCD (bit 4).</summary>
    [Bit(4)] public partial bool CacheDisable { get; }

    /// <summary>A (bit 5): set by the CPU, and by KVM's walker, when the entry is used.</summary>
    [Bit(5)] public partial bool Accessed { get; }

    /// <summary>D (bit 6, leaves only): set when the page is written.</summary>
    [Bit(6)] public partial bool Dirty { get; }

    /// <summary>PS (bit 7): a 1G leaf in a PDPTE, a 2M leaf in a PDE; reserved in a PML4E.</summary>
    [Bit(7)] public partial bool PageSize { get; }

    /// <summary>G (bit 8, leaves only).</summary>
    [Bit(8)] public partial bool Global { get; }

    /// <summary>The frame of the next table or of the page (bits 12..51; a large leaf's low frame bits must be 0, PAT aside).</summary>
    [Bits(12, 51)] public partial ulong Pfn { get; }

    /// <summary>XD (bit 63): no instruction fetch; reserved unless EFER.NXE is set.</summary>
    [Bit(63)] public partial bool NoExecute { get; }
}

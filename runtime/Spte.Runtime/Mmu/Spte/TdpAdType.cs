namespace Spte.Runtime.Mmu.Spte;

/// <summary>
/// KVM's A/D tracking type of a TDP SPTE (spte.h <c>SPTE_TDP_AD_*</c>, bits 52..53 of EPT
/// SPTEs). "Enabled" must be 0 because bits 52..62 are reserved in PAE entries.
/// </summary>
public enum TdpAdType : byte
{
    /// <summary>The hardware sets the accessed and dirty bits (<c>SPTE_TDP_AD_ENABLED</c>).</summary>
    Enabled = 0,

    /// <summary>No hardware A/D bits; KVM tracks accesses itself (<c>SPTE_TDP_AD_DISABLED</c>).</summary>
    Disabled = 1,

    /// <summary>Dirty tracking by write protection only (<c>SPTE_TDP_AD_WRPROT_ONLY</c>).</summary>
    WriteProtectOnly = 2,
}

using Spte.Sample.AnalyzerTour.Formats;

namespace Spte.Sample.AnalyzerTour;

/// <summary>
/// SPTE1001: a raw zero written where an entry goes.
/// </summary>
/// <remarks>
/// The story. "KVM: x86/mmu: Allow non-zero value for non-present SPTE" (TDX series v7, patch
/// 036/102, July 2022) introduced <c>SHADOW_NONPRESENT_VALUE</c> (bit 63, suppress #VE) and
/// converted the TDP MMU's zaps to write it. The legacy shadow MMU's zap,
/// <c>mmu_spte_clear_no_track()</c> (and so <c>drop_spte()</c> and <c>mmu_page_zap_pte()</c>),
/// still wrote 0. No compiler could see it; a reviewer did: "Since you also always set
/// SHADOW_NONPRESENT_VALUE to SPTE for legacy MMU when the page table is firstly allocated, it
/// also makes sense to set it when SPTE is zapped for legacy MMU. This part is missing in this
/// patch." A zeroed shared-EPT entry has suppress-#VE clear, so the TD's next access there takes a
/// #VE instead of exiting to KVM.
/// </remarks>
public static class ZapPaths
{
    /// <summary>The legacy MMU's <c>mmu_spte_clear_no_track()</c>, as first posted.</summary>
    /// <remarks>Fix (the code fix does it): <c>sp.Spt[index] = EptSpte.NonPresentValue;</c></remarks>
    public static void MmuSpteClearNoTrack(ShadowPage sp, int index)
    {
        sp.Spt[index] = 0;
    }

    /// <summary>The same bug in typed code: <c>default</c> is a zero entry too.</summary>
    /// <remarks>Fix: <c>sptes[index] = EptSpte.NonPresent;</c></remarks>
    public static void DropSpte(EptSpte[] sptes, int index)
    {
        sptes[index] = default;
    }

    /// <summary>
    /// And through a local: the analyzers follow a raw value into the slot it is stored in.
    /// </summary>
    /// <remarks>Fix: <c>ulong empty = EptSpte.NonPresentValue;</c></remarks>
    public static void ZapRange(ShadowPage sp, int start, int count)
    {
        ulong empty = 0;
        for (var i = start; i < start + count; i++)
        {
            sp.Spt[i] = empty;
        }
    }

    /// <summary>
    /// And across methods, the way the review's bug is usually written: the zap path hands the
    /// entry to a helper, and the helper writes 0 through the parameter. The helper's own
    /// <c>ref ulong</c> is no slot (nothing marks it), so the zero is reported at the call, with the
    /// helper named: the analyzers summarise each helper of the compilation (see SPTE1001's page).
    /// </summary>
    /// <remarks>Fix (by hand, in the helper): <c>spte = EptSpte.NonPresentValue;</c></remarks>
    public static void MmuPageZapPte(ShadowPage sp, int index)
    {
        MmuSpteClearTrackBits(ref sp.Spt[index]);
    }

    private static void MmuSpteClearTrackBits(ref ulong spte)
    {
        spte = 0;
    }
}

using System;
using Spte.Sample.AnalyzerTour.Formats;

namespace Spte.Sample.AnalyzerTour;

/// <summary>
/// SPTE1002: a page table created or reset zero-filled.
/// </summary>
/// <remarks>
/// The story. Before TDX, KVM allocated page tables with <c>__GFP_ZERO</c>: a zeroed page was 512
/// empty entries. With <c>SHADOW_NONPRESENT_VALUE</c> every new page table has to be filled with
/// it instead (the same patch added a <c>rep stosq</c> over each topped-up page; the merged form
/// is a per-cache <c>init_value</c> written with <c>memset64</c>). The patch also shows how
/// fragile this is by hand: the test meant to keep <c>__GFP_ZERO</c> for 32-bit hosts only was
/// written <c>IS_ENABLED(X86_64)</c>, which is always false (the macro needs
/// <c>CONFIG_X86_64</c>), so every page was zeroed and then overwritten. A zero-filled shared-EPT
/// table is SPTE1001 512 times: every guest access below it becomes a #VE.
/// </remarks>
public static class PageTableAllocation
{
    /// <summary>A new root, zero-filled.</summary>
    /// <remarks>Fix (the code fix does it): <c>return EptSpte.NewTable(ShadowPage.Entries);</c></remarks>
    public static EptSpte[] AllocateRoot()
    {
        return new EptSpte[ShadowPage.Entries];
    }

    /// <summary>Reusing a shadow page: clearing it the pre-TDX way.</summary>
    /// <remarks>Fix: <c>Array.Fill(sp.Spt, EptSpte.NonPresentValue);</c></remarks>
    public static void ResetShadowPage(ShadowPage sp)
    {
        Array.Clear(sp.Spt);
    }

    /// <summary>A scratch copy of a table, filled with <c>default</c>.</summary>
    /// <remarks>Fix: <c>span.Fill(EptSpte.NonPresent);</c></remarks>
    public static void ClearStaging(Span<EptSpte> staging)
    {
        staging.Fill(default);
    }
}

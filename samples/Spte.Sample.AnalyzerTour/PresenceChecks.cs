using Spte.Sample.AnalyzerTour.Formats;

namespace Spte.Sample.AnalyzerTour;

/// <summary>
/// SPTE1003: presence decided by comparing with zero or with the non-present value.
/// </summary>
/// <remarks>
/// The story. The legacy MMU's <c>FNAME(sync_page)</c> skipped empty entries with
/// <c>if (!sp->spt[i]) continue;</c>. The non-present-value patch rewrote it as
/// <c>if (sp->spt[i] != SHADOW_NONPRESENT_VALUE) continue;</c>, which is inverted: it skips every
/// live SPTE and "syncs" only the empty ones (later revisions use <c>==</c>). And even the right
/// equality is not a presence test: MMIO SPTEs and <c>FROZEN_SPTE</c> differ from the
/// non-present value and are not present. KVM asks <c>is_shadow_present_pte()</c>, a test of
/// the MMU-present bit; a format's <c>IsPresent</c> is the same test.
/// </remarks>
public static class PresenceChecks
{
    /// <summary><c>FNAME(sync_page)</c> as first rewritten; returns how many entries it synced.</summary>
    /// <remarks>Fix (the code fix does it): <c>if (!EptSpte.FromRaw(sp.Spt[i]).IsPresent) continue;</c></remarks>
    public static int SyncPage(ShadowPage sp)
    {
        var synced = 0;
        for (var i = 0; i < ShadowPage.Entries; i++)
        {
            if (sp.Spt[i] != EptSpte.NonPresentValue)
            {
                continue;
            }

            synced++;
        }

        return synced;
    }

    /// <summary>The pre-TDX presence test: "non-zero means present".</summary>
    /// <remarks>Fix: <c>spte.IsPresent</c>. A zeroed entry, the frozen value and every MMIO SPTE are non-present.</remarks>
    public static bool IsShadowPresent(EptSpte spte)
    {
        return spte.Raw != 0;
    }

    /// <summary>"Not the non-present value" is not "present" either.</summary>
    /// <remarks>Fix: <c>spte.IsPresent</c>.</remarks>
    public static bool IsMapped(EptSpte spte)
    {
        return spte != EptSpte.NonPresent;
    }
}

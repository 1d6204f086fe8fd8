using System;
using Spte.Sample.AnalyzerTour.Formats;

namespace Spte.Sample.AnalyzerTour;

/// <summary>
/// KVM's <c>struct kvm_mmu_page</c>, reduced to its page table: 512 raw 64-bit SPTEs, as in C.
/// <c>[SpteSlot]</c> tells the analyzers that these <c>ulong</c>s are <see cref="EptSpte"/>s.
/// </summary>
public sealed class ShadowPage
{
    /// <summary>Entries per page table.</summary>
    public const int Entries = 512;

    /// <summary>A page table whose entries are all non-present, as KVM's topup fills them.</summary>
    public ShadowPage()
    {
        var spt = new ulong[Entries];
        Array.Fill(spt, EptSpte.NonPresentValue);
        Spt = spt;
    }

    /// <summary>The page table (<c>sp->spt</c>).</summary>
    [Spte.SpteSlot(typeof(EptSpte))]
    public ulong[] Spt { get; }
}

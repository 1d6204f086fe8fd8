namespace Spte.Runtime.Mmu;

/// <summary>Recovery of the huge pages the NX huge page mitigation split.</summary>
internal sealed partial class KvmMmu<T>
{
    /// <summary>
    /// One pass of KVM's NX recovery thread (<c>kvm_recover_nx_huge_pages</c>): under the write
    /// lock, zap the oldest 1/<paramref name="ratio"/> (rounded up) of the tables fetches split,
    /// so the next non-fetch fault there maps a large leaf again. A table in a dirty-logged slot
    /// is only taken off the list: it would fault back at 4K anyway.
    /// </summary>
    /// <returns>How many tables were zapped.</returns>
    public int RecoverNxHugePages(int ratio)
    {
        if (ratio <= 0)
        {
            return 0;
        }

        var zapped = 0;
        using (WriteLock())
        {
            for (var toZap = (Stats[MmuStat.NxLpageSplits] + ratio - 1) / ratio; toZap > 0; toZap--)
            {
                if (Tdp.FirstPossibleNxHugePage is not { } sp)
                {
                    break;
                }

                if (Memslots.GfnToMemslot(sp.AsId, sp.Gfn) is { DirtyLogging: true })
                {
                    Tdp.UntrackPossibleNxHugePage(sp);
                }
                else if (Tdp.ZapSp(sp))
                {
                    zapped++;
                }
                else
                {
                    throw KvmBug($"{sp} is a recovery candidate but no longer linked.");
                }
            }
        }

        Rcu.Poll();
        return zapped;
    }
}

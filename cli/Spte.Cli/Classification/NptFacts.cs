using System.Collections.Generic;
using System.Globalization;
using Spte.Runtime.Formats;
using Spte.Runtime.Mmu.Spte;

namespace Spte.Cli.Classification;

/// <summary>AMD NPT as KVM uses it: MMIO SPTEs set P and reserved address bits; P clear is not present to the CPU.</summary>
internal sealed class NptFacts : IFormatFacts
{
    // Every MAXPHYADDR below 52 reserves address bit 51, so the MAXPHYADDR-51 pattern (P and bit
    // 51) matches the MMIO SPTEs of every CPU that can have them.
    private static readonly MmioSpteMask AnyCpuMmio = MmioSpteMask.Npt(51);

    /// <inheritdoc/>
    public MmioReading? ReadMmio(ulong raw) =>
        AnyCpuMmio.IsMmioSpte(raw)
            ? new MmioReading(NptSpte.FromRaw(raw).AsMmio.Generation, "P with reserved address bits set: an access is a #NPF with RSVD, which KVM handles as MMIO")
            : null;

    /// <inheritdoc/>
    public IReadOnlyList<string> Consequences(ulong raw)
    {
        var spte = NptSpte.FromRaw(raw);
        return spte.PagePresent
            ? [$"the CPU uses it (P set) and maps frame 0x{spte.Pfn.ToString("X", CultureInfo.InvariantCulture)}, but KVM's MMU-present bit 11 is clear: KVM neither tracks nor zaps that mapping"]
            :
            [
                "the CPU sees it not present (P clear): an access is a #NPF exit to KVM, as for the non-present value",
                "but it is neither an empty slot, a frozen entry nor an MMIO SPTE: no KVM path writes it",
            ];
    }
}

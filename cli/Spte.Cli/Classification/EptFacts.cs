using System.Collections.Generic;
using System.Globalization;
using Spte.Runtime.Formats;
using Spte.Runtime.Mmu.Spte;

namespace Spte.Cli.Classification;

/// <summary>Intel EPT as KVM uses it: MMIO SPTEs are W+X (a misconfiguration); R/W/X clear is not present to the CPU.</summary>
internal sealed class EptFacts : IFormatFacts
{
    /// <inheritdoc/>
    public MmioReading? ReadMmio(ulong raw) =>
        MmioSpteMask.Vmx.IsMmioSpte(raw)
            ? new MmioReading(EptSpte.FromRaw(raw).AsMmio.Generation, "W+X without R: an access is an EPT misconfiguration, which KVM handles as MMIO")
            : null;

    /// <inheritdoc/>
    public IReadOnlyList<string> Consequences(ulong raw)
    {
        var spte = EptSpte.FromRaw(raw);
        if ((raw & EptSpte.VmxEptRwxMask) != 0)
        {
            return spte.Writable && !spte.Readable
                ? ["the CPU reports an EPT misconfiguration on an access (W set without R), which KVM expects only from its MMIO SPTEs, and this is not one"]
                : [$"the CPU treats it as present ({Rwx(spte)} set) and maps frame 0x{spte.Pfn.ToString("X", CultureInfo.InvariantCulture)}, but KVM's MMU-present bit 11 is clear: KVM neither tracks nor zaps that mapping"];
        }

        if (spte.SuppressVe)
        {
            return
            [
                "the CPU sees it not present: an access is an EPT violation exit to KVM, with or without EPT-violation #VE (suppress-#VE, bit 63, is set)",
                "but it is neither an empty slot, a frozen entry nor an MMIO SPTE: no KVM path writes it",
            ];
        }

        // R/W/X and suppress-#VE clear is also a TD's MMIO value (MmioSpteMask.Tdx), which is why
        // a raw 0 is worse than "not present" there.
        return
        [
            "with EPT-violation #VE (always on for a TD's shared EPT): suppress-#VE (bit 63) is clear, so an access is a #VE the guest never expected, not an EPT violation exit to KVM",
            "without EPT-violation #VE: an access is an EPT violation exit to KVM",
            $"in a TD, KVM's is_mmio_spte() matches it too (R/W/X and suppress-#VE clear), so KVM takes it for an MMIO SPTE of generation {spte.AsMmio.Generation.ToString(CultureInfo.InvariantCulture)}",
        ];
    }

    private static string Rwx(EptSpte spte) =>
        (spte.Readable ? "R" : string.Empty) + (spte.Writable ? "W" : string.Empty) + (spte.Executable ? "X" : string.Empty);
}

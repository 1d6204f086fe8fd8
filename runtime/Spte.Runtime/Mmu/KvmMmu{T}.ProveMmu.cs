using System.Runtime.CompilerServices;
using Spte.Runtime.Formats;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu;

/// <summary>
/// KVM's <c>CONFIG_KVM_PROVE_MMU</c> check of SPTE writes: <c>KVM_MMU_WARN_ON(is_ept_ve_possible(spte))</c>
/// in <c>__kvm_tdp_mmu_write_spte</c>, <c>kvm_tdp_mmu_write_spte_atomic</c>, <c>__set_spte</c> and
/// <c>__update_clear_spte_fast/slow</c>.
/// </summary>
internal sealed partial class KvmMmu<T>
{
    /// <summary>Whether the format can deliver a #VE at all: only EPT puts suppress-#VE in <c>shadow_present_mask</c>.</summary>
    private static bool ProveMmuApplies => (T.ShadowPresentMask & EptSpte.SuppressVeMask) != 0;

    /// <summary>
    /// Whether every SPTE write is checked (<see cref="KvmMmuOptions.ProveMmu"/> on an EPT VM).
    /// Read once per write by the MMUs, which copy it; off, a write costs one test of a field.
    /// </summary>
    public bool ProveMmu { get; }

    /// <summary>
    /// The check of one write of <paramref name="value"/> into the entry for <paramref name="gfn"/>
    /// at <paramref name="level"/>: an entry that could deliver a #VE (<see cref="Spte{T}.IsEptVePossible"/>)
    /// is a KVM bug unless it is an MMIO SPTE. What the entry is decides that, not its RWX bits as
    /// in KVM: a 4K SPTE equal to <c>make_mmio_spte</c> of this VM for this GFN and the generation
    /// it carries. So a TD's MMIO SPTEs (value 0, suppress-#VE clear on purpose) pass, and a raw 0
    /// a zap writes is caught in a TD as in any EPT VM — except at GFN 0 under generation 0, where
    /// the two are the same 64 bits.
    /// KVM only WARNs here; the model raises <c>KVM_BUG_ON</c> and the VM is marked bugged. The
    /// TDP MMU and the legacy MMU's set/update check the value before storing it, so it never
    /// lands; the legacy MMU's two clear helpers check the entry right after their store.
    /// </summary>
    /// <exception cref="KvmBugException">The write would let the guest take a #VE KVM did not intend.</exception>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void ProveMmuSpteWrite(T value, ulong gfn, int level)
    {
        if (!Spte<T>.IsEptVePossible(value) || IsMmioSpteOf(value, gfn, level))
        {
            return;
        }

        throw KvmBug($"CONFIG_KVM_PROVE_MMU: SPTE 0x{value.Raw:X16} ({value}) written for GFN 0x{gfn:X} at level {level} has suppress-#VE clear and is not an MMIO SPTE: the guest's next access there would be a #VE, not an EPT violation.");
    }

    private bool IsMmioSpteOf(T value, ulong gfn, int level) =>
        level == PgLevel.Pg4K && Spte<T>.IsMmioSpte(Options.Mmio, value)
        && value.Raw == Spte<T>.MakeMmioSpte(Options.Mmio, gfn, value.MmioGeneration, SpteAccess.All).Raw;
}

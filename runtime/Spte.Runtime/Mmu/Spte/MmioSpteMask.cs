using Spte.Runtime.Formats;

namespace Spte.Runtime.Mmu.Spte;

/// <summary>
/// How a VM recognises and builds MMIO SPTEs: an SPTE is MMIO when
/// <c>(spte &amp; Mask) == Value</c> (KVM's <c>shadow_mmio_mask</c>, the per-VM
/// <c>kvm-&gt;arch.shadow_mmio_value</c> and <c>shadow_mmio_access_mask</c>). When
/// <see cref="CachingEnabled"/> is false no MMIO SPTE is ever installed and every MMIO access
/// takes the slow path (KVM's <c>enable_mmio_caching</c>).
/// </summary>
/// <param name="Value">The bits an MMIO SPTE has under <see cref="Mask"/>.</param>
/// <param name="Mask">The bits that identify an MMIO SPTE.</param>
/// <param name="AccessMask">The access bits an MMIO SPTE keeps.</param>
/// <param name="CachingEnabled">Whether MMIO SPTEs are used at all.</param>
public sealed record MmioSpteMask(ulong Value, ulong Mask, ulong AccessMask, bool CachingEnabled)
{
    /// <summary>
    /// KVM's <c>kvm_mmu_set_mmio_spte_mask</c>: caching is turned off if the mask uses bits
    /// outside <paramref name="allowedMask"/> (<c>SPTE_MMIO_ALLOWED_MASK</c>), if the value has
    /// bits outside the mask, if a frozen SPTE would look like MMIO, or if the value is 0.
    /// </summary>
    public static MmioSpteMask Create<T>(ulong value, ulong mask, ulong accessMask, ulong allowedMask)
        where T : struct, IKvmSpte<T>
    {
        var ok = (mask & ~allowedMask) == 0
            && (value & mask) == value
            && !(value != 0 && (T.Frozen.Raw & mask) == value)
            && value != 0;
        return new MmioSpteMask(ok ? value : 0, mask, accessMask, ok);
    }

    /// <summary>
    /// KVM's EPT setting (<c>kvm_mmu_set_ept_masks</c>): value W+X, which the CPU reports as an
    /// EPT misconfiguration; mask R/W/X plus suppress-#VE; no access bits.
    /// </summary>
    public static MmioSpteMask Vmx { get; } = Create<EptSpte>(
        EptSpte.WritableMask | EptSpte.ExecutableMask,
        EptSpte.VmxEptRwxMask | EptSpte.SuppressVeMask,
        0,
        EptSpte.SpteMmioAllowedMask);

    /// <summary>
    /// KVM's setting for a TD (<c>tdx_vm_init</c> → <c>kvm_mmu_set_mmio_spte_value(kvm, 0)</c>):
    /// R/W/X and suppress-#VE all clear, so an access is a convertible EPT violation and the
    /// guest gets a #VE. A raw 0 matches this pattern too, which is why a zap must never write 0.
    /// </summary>
    public static MmioSpteMask Tdx { get; } = Vmx with { Value = 0 };

    /// <summary>
    /// KVM's NPT setting (<c>svm_adjust_mmio_mask</c>): P plus the address bits from
    /// <paramref name="maxPhyAddr"/> to 51, which fault with RSVD; write and user access bits.
    /// With MAXPHYADDR 52 there is no reserved address bit and caching is off.
    /// </summary>
    public static MmioSpteMask Npt(int maxPhyAddr)
    {
        var mask = maxPhyAddr < 52 ? (((1UL << 52) - 1) & ~((1UL << maxPhyAddr) - 1)) | NptSpte.PagePresentMask : 0;
        return Create<NptSpte>(mask, mask, NptSpte.WritableMask | NptSpte.UserMask, NptSpte.SpteMmioAllowedMask);
    }

    /// <summary>KVM's <c>is_mmio_spte</c>.</summary>
    public bool IsMmioSpte(ulong spte) => CachingEnabled && (spte & Mask) == Value;
}

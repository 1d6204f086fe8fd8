using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using static Spte.ZeroCost.UlongTwin;

namespace Spte.ZeroCost;

/// <summary>
/// <see cref="EptSpte"/>'s members written by hand over a bare <see cref="ulong"/>, each in the
/// idioms people use: mask then shift, shift then mask, shift left then right, and the BMI
/// instruction (<c>bextr</c>, <c>pext</c>, <c>pdep</c>) where one does the job. A method
/// <c>X_Idiom</c> is a twin of the generated probe <c>X</c>.
/// </summary>
public static partial class EptIdioms
{
    private const ulong SuppressVeMask = 1UL << 63;

    private const ulong HostWritableMask = 1UL << 57;

    /// <summary>Bit 0, masked in place.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool Readable_Mask(ulong spte) => (spte & ReadableMask) != 0;

    /// <summary>Bit 0 compared with one.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool Readable_EqualsOne(ulong spte) => (spte & 1) == 1;

    /// <summary>Bit 63, masked in place.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool SuppressVe_Mask(ulong spte) => (spte & SuppressVeMask) != 0;

    /// <summary>Bit 63, shifted down.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool SuppressVe_Shift(ulong spte) => (spte >> 63) != 0;

    /// <summary>Bit 63 as the sign.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool SuppressVe_Sign(ulong spte) => (long)spte < 0;

    /// <summary>Bit 57, masked in place.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool HostWritable_Mask(ulong spte) => (spte & HostWritableMask) != 0;

    /// <summary>Bit 57, shifted down.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool HostWritable_Shift(ulong spte) => ((spte >> 57) & 1) != 0;

    /// <summary>Bit 57: the bits above shifted out, then the bit shifted down (the run idiom at width one).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool HostWritable_ShlShr(ulong spte) => ((spte << 6) >> 63) != 0;

    /// <summary>Bit 57 shifted up into the sign, then tested as the sign.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool HostWritable_Sign(ulong spte) => (long)(spte << 6) < 0;

    /// <summary>KVM's is_shadow_present_pte.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool IsPresent_Mask(ulong spte) => (spte & MmuPresentMask) != 0;

    /// <summary>The present bit shifted down.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool IsPresent_Shift(ulong spte) => ((spte >> 11) & 1) != 0;

    /// <summary>KVM's is_frozen_spte.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool IsFrozen_Equals(ulong spte) => spte == ((1UL << 63) | 0x5a0);

    /// <summary>The non-present entry.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong NonPresent_Const() => NonPresentValue;

    /// <summary>Bits 3..5, masked in place, then shifted down.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static EptMemoryType MemoryType_MaskShift(ulong spte) => (EptMemoryType)((spte & MemoryTypeMask) >> MemoryTypeShift);

    /// <summary>Bits 3..5, shifted down, then masked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static EptMemoryType MemoryType_ShiftMask(ulong spte) => (EptMemoryType)((spte >> MemoryTypeShift) & MemoryTypeMax);

    /// <summary>Bits 3..5: the bits above shifted out, then the rest down.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static EptMemoryType MemoryType_ShlShr(ulong spte) => (EptMemoryType)((spte << 58) >> 61);

    /// <summary>Bits 3..5 with BMI1's bit-field extract.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static EptMemoryType MemoryType_Bextr(ulong spte) =>
        (EptMemoryType)(Bmi1.X64.IsSupported ? Bmi1.X64.BitFieldExtract(spte, 3, 3) : (spte >> 3) & 7);

    /// <summary>KVM's spte_to_pfn: masked in place, then shifted down.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Pfn_MaskShift(ulong spte) => (spte & PfnMask) >> PfnShift;

    /// <summary>Bits 12..51, shifted down, then masked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Pfn_ShiftMask(ulong spte) => (spte >> PfnShift) & PfnMax;

    /// <summary>Bits 12..51: the bits above shifted out, then the rest down.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Pfn_ShlShr(ulong spte) => (spte << 12) >> 24;

    /// <summary>Bits 12..51 with BMI1's bit-field extract.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Pfn_Bextr(ulong spte) => UlongTwin.Pfn(spte);

    /// <summary>The generation, each run shifted down and masked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static uint Generation_ShiftMask(ulong spte) =>
        (uint)(((spte >> GenerationLowShift) & 0xFF) | (((spte >> 52) & 0x7FF) << 8));

    /// <summary>KVM's get_mmio_spte_generation: each run masked in place, then shifted.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static uint Generation_MaskShift(ulong spte) => GenerationKvmOrder(spte);

    /// <summary>The generation with one bit-field extract per run.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static uint Generation_Bextr(ulong spte) => UlongTwin.Generation(spte);

    /// <summary>The generation with BMI2's parallel bit extract: both runs in one instruction.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static uint Generation_Pext(ulong spte) =>
        Bmi2.X64.IsSupported ? (uint)Bmi2.X64.ParallelBitExtract(spte, GenerationLowMask | GenerationHighMask) : UlongTwin.Generation(spte);
}

using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using Spte;

namespace Spte.ZeroCost;

/// <summary>
/// The hand-written baseline: <see cref="EptSpte"/> as KVM's spte.h writes it, a bare
/// <see cref="ulong"/> with mask-and-shift helpers. The helpers are
/// <c>AggressiveInlining</c> as KVM's are <c>static inline</c>: without it the JIT keeps the larger
/// ones (the range-checked setters, the split getter) out of line.
/// </summary>
public static class UlongTwin
{
    /// <summary>KVM's SHADOW_NONPRESENT_VALUE for EPT.</summary>
    public const ulong NonPresentValue = 1UL << 63;

    /// <summary>Bit 0.</summary>
    public const ulong ReadableMask = 1UL << 0;

    /// <summary>KVM's SPTE_MMU_PRESENT_MASK.</summary>
    public const ulong MmuPresentMask = 1UL << 11;

    /// <summary>Bits 3..5.</summary>
    public const ulong MemoryTypeMask = 0x7UL << MemoryTypeShift;

    /// <summary>The lowest bit of the memory type.</summary>
    public const int MemoryTypeShift = 3;

    /// <summary>The largest memory type value.</summary>
    public const ulong MemoryTypeMax = 0x7;

    /// <summary>Bits 12..51.</summary>
    public const ulong PfnMask = 0xFF_FFFF_FFFFUL << PfnShift;

    /// <summary>The lowest bit of the pfn.</summary>
    public const int PfnShift = 12;

    /// <summary>The largest pfn.</summary>
    public const ulong PfnMax = 0xFF_FFFF_FFFFUL;

    /// <summary>KVM's MMIO_SPTE_GEN_LOW_MASK: generation bits 0..7 in bits 3..10.</summary>
    public const ulong GenerationLowMask = 0xFFUL << GenerationLowShift;

    /// <summary>KVM's MMIO_SPTE_GEN_LOW_SHIFT.</summary>
    public const int GenerationLowShift = 3;

    /// <summary>KVM's MMIO_SPTE_GEN_HIGH_MASK: generation bits 8..18 in bits 52..62.</summary>
    public const ulong GenerationHighMask = 0x7FFUL << 52;

    /// <summary>KVM's MMIO_SPTE_GEN_HIGH_SHIFT: bit 52 holds generation bit 8.</summary>
    public const int GenerationHighShift = 52 - 8;

    /// <summary>The largest generation (19 bits).</summary>
    public const ulong GenerationMax = 0x7FFFF;

    /// <summary>
    /// A fresh table of non-present entries, written the way the generated <c>NewTable</c> is:
    /// no zeroing (every entry is overwritten), then one fill.
    /// </summary>
    public static ulong[] NewTable(int entries)
    {
        if (entries < 0)
        {
            SpteThrow.NegativeTableSize(entries);
        }

        var table = GC.AllocateUninitializedArray<ulong>(entries);
        table.AsSpan().Fill(NonPresentValue);
        return table;
    }

    /// <summary>Bit 0 set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Readable(ulong spte) => (spte & ReadableMask) != 0;

    /// <summary>KVM's is_shadow_present_pte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsPresent(ulong spte) => (spte & MmuPresentMask) != 0;

    /// <summary>Bits 3..5 as the enum, shift then mask: the shortest hand-written form (issue 18).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static EptMemoryType MemoryType(ulong spte) => (EptMemoryType)((spte >> MemoryTypeShift) & MemoryTypeMax);

    /// <summary>
    /// KVM's spte_to_pfn with BMI1's bit-field extract, the shortest hand-written form (issue 18;
    /// EptIdioms has KVM's mask-then-shift and the others).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Pfn(ulong spte) => Bmi1.X64.IsSupported ? Bmi1.X64.BitFieldExtract(spte, PfnShift, 40) : (spte & PfnMask) >> PfnShift;

    /// <summary>
    /// The generation: each run extracted (bextr where the CPU has it, else shifted down and
    /// masked) and shifted to its place in the value. <see cref="GenerationKvmOrder"/> is KVM's
    /// spelling of the same arithmetic.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Generation(ulong spte) =>
        Bmi1.X64.IsSupported
            ? (uint)(Bmi1.X64.BitFieldExtract(spte, GenerationLowShift, 8) | (Bmi1.X64.BitFieldExtract(spte, 52, 11) << 8))
            : (uint)(((spte >> GenerationLowShift) & 0xFF) | (((spte >> 52) & 0x7FF) << 8));

    /// <summary>
    /// KVM's get_mmio_spte_generation: each run masked in place, then shifted down. Same value as
    /// <see cref="Generation"/>; the zero-cost test records how its machine code differs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint GenerationKvmOrder(ulong spte) =>
        (uint)(((spte & GenerationLowMask) >> GenerationLowShift) | ((spte & GenerationHighMask) >> GenerationHighShift));

    /// <summary>Bit 0 set or cleared: the shortest hand-written form (issue 18; EptIdioms has the others).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong WithReadable(ulong spte, bool value) => value ? spte | ReadableMask : spte & ~ReadableMask;

    /// <summary>The pfn replaced, with the same range check and throw helper as the generated code.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong WithPfn(ulong spte, ulong pfn)
    {
        if (pfn > PfnMax)
        {
            SpteThrow.FieldOutOfRange("Pfn", pfn, PfnMax);
        }

        return (spte & ~PfnMask) | (pfn << PfnShift);
    }

    /// <summary>The memory type replaced, with the same range check and throw helper as the generated code.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong WithMemoryType(ulong spte, EptMemoryType type)
    {
        var bits = (ulong)type;
        if (bits > MemoryTypeMax)
        {
            SpteThrow.FieldOutOfRange("MemoryType", bits, MemoryTypeMax);
        }

        return (spte & ~MemoryTypeMask) | (bits << MemoryTypeShift);
    }

    /// <summary>The generation replaced, with the same range check and throw helper as the generated code.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong WithGeneration(ulong spte, uint generation)
    {
        ulong gen = generation;
        if (gen > GenerationMax)
        {
            SpteThrow.FieldOutOfRange("Generation", gen, GenerationMax);
        }

        return (spte & ~(GenerationLowMask | GenerationHighMask))
            | ((gen & 0xFF) << GenerationLowShift)
            | (((gen >> 8) & 0x7FF) << 52);
    }

    /// <summary>
    /// KVM's generation_mmio_spte_mask placement (shift, then mask in place), with the same
    /// range check; the zero-cost test records how its machine code differs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong WithGenerationKvmOrder(ulong spte, uint generation)
    {
        ulong gen = generation;
        if (gen > GenerationMax)
        {
            SpteThrow.FieldOutOfRange("Generation", gen, GenerationMax);
        }

        return (spte & ~(GenerationLowMask | GenerationHighMask))
            | ((gen << GenerationLowShift) & GenerationLowMask)
            | ((gen << GenerationHighShift) & GenerationHighMask);
    }
}

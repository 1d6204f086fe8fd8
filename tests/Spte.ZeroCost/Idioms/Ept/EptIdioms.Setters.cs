using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using static Spte.ZeroCost.UlongTwin;

namespace Spte.ZeroCost;

/// <summary>The <c>With</c> members' twins: the range check the generated code has, then each placement idiom.</summary>
public static partial class EptIdioms
{
    private const ulong WritableMask = 1UL << 1;

    /// <summary>Bit 0 cleared, then the bool's 0 or 1 or-ed in.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithReadable_Or(ulong spte, bool value) => (spte & ~ReadableMask) | (value ? 1UL : 0UL);

    /// <summary>Bit 0 set or cleared by a branch on the bool.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithReadable_Select(ulong spte, bool value) => UlongTwin.WithReadable(spte, value);

    /// <summary>Bit 57 cleared, then the bool shifted up into it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithHostWritable_Or(ulong spte, bool value) => (spte & ~HostWritableMask) | ((value ? 1UL : 0UL) << 57);

    /// <summary>Bit 57 set or cleared by a branch on the bool.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithHostWritable_Select(ulong spte, bool value) => value ? spte | HostWritableMask : spte & ~HostWritableMask;

    /// <summary>Bit 63 cleared, then the bool shifted up into it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithSuppressVe_Or(ulong spte, bool value) => (spte & ~SuppressVeMask) | ((value ? 1UL : 0UL) << 63);

    /// <summary>Bit 63 set or cleared by a branch on the bool.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithSuppressVe_Select(ulong spte, bool value) => value ? spte | SuppressVeMask : spte & ~SuppressVeMask;

    /// <summary>The pfn range-checked, the field cleared, the pfn shifted in.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithPfn_Or(ulong spte, ulong pfn) => UlongTwin.WithPfn(spte, pfn);

    /// <summary>The pfn range-checked and merged with an xor: one mask instead of its complement.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithPfn_Xor(ulong spte, ulong pfn)
    {
        if (pfn > PfnMax)
        {
            SpteThrow.FieldOutOfRange("Pfn", pfn, PfnMax);
        }

        return spte ^ ((spte ^ (pfn << PfnShift)) & PfnMask);
    }

    /// <summary>A constant pfn: the range check folds away, the placement is one constant.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithPfnInRange_Or(ulong spte) => (spte & ~PfnMask) | (0xABCDEUL << PfnShift);

    /// <summary>The memory type range-checked, the field cleared, the type shifted in.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithMemoryType_Or(ulong spte, EptMemoryType type) => UlongTwin.WithMemoryType(spte, type);

    /// <summary>The memory type range-checked and merged with an xor.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithMemoryType_Xor(ulong spte, EptMemoryType type)
    {
        var bits = (ulong)type;
        if (bits > MemoryTypeMax)
        {
            SpteThrow.FieldOutOfRange("MemoryType", bits, MemoryTypeMax);
        }

        return spte ^ ((spte ^ (bits << MemoryTypeShift)) & MemoryTypeMask);
    }

    /// <summary>A constant memory type: one and, one or.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithMemoryTypeInRange_Or(ulong spte) => (spte & ~MemoryTypeMask) | ((ulong)EptMemoryType.WriteBack << MemoryTypeShift);

    /// <summary>The generation range-checked, each run masked and shifted into place.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithGeneration_ShiftMask(ulong spte, uint generation) => UlongTwin.WithGeneration(spte, generation);

    /// <summary>KVM's generation_mmio_spte_mask: each run shifted, then masked in place.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithGeneration_KvmOrder(ulong spte, uint generation) => WithGenerationKvmOrder(spte, generation);

    /// <summary>The generation range-checked and deposited into both runs by BMI2's parallel bit deposit.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithGeneration_Pdep(ulong spte, uint generation) =>
        Bmi2.X64.IsSupported
            ? Idiom.PlacePdep(spte, generation, GenerationLowMask | GenerationHighMask, 19, "Generation")
            : UlongTwin.WithGeneration(spte, generation);

    /// <summary>Three <c>With</c>s in a row, each written as its own helper.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithChain_Stepwise(ulong spte, ulong pfn)
    {
        var readable = UlongTwin.WithReadable(spte, true);
        var writable = (readable & ~WritableMask) | WritableMask;
        return UlongTwin.WithPfn(writable, pfn);
    }

    /// <summary>Three <c>With</c>s folded by hand: one range check, one clear, one or of the constant bits.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithChain_Folded(ulong spte, ulong pfn)
    {
        if (pfn > PfnMax)
        {
            SpteThrow.FieldOutOfRange("Pfn", pfn, PfnMax);
        }

        return (spte & ~PfnMask) | ReadableMask | WritableMask | (pfn << PfnShift);
    }
}

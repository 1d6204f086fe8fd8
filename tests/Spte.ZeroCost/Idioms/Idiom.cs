using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Spte.ZeroCost;

/// <summary>
/// The hand-written idioms as inlined helpers over a bit position and width, so the NPT and
/// RISC-V twins need one line each: called with constants, each folds to what the idiom written
/// out with literal masks compiles to (<see cref="EptIdioms"/> spells them out, and its listings
/// are the same instructions).
/// </summary>
public static class Idiom
{
    /// <summary>The largest value of a <paramref name="width"/>-bit field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Max(int width) => width == 64 ? ulong.MaxValue : (1UL << width) - 1;

    /// <summary><c>(raw &amp; bit) != 0</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool BitMask(ulong raw, int bit) => (raw & (1UL << bit)) != 0;

    /// <summary><c>((raw &gt;&gt; bit) &amp; 1) != 0</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool BitShift(ulong raw, int bit) => ((raw >> bit) & 1) != 0;

    /// <summary>The field masked in place, then shifted down.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MaskShift(ulong raw, int low, int width) => (raw & (Max(width) << low)) >> low;

    /// <summary>The field shifted down, then masked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ShiftMask(ulong raw, int low, int width) => (raw >> low) & Max(width);

    /// <summary>The bits above the field shifted out, then the field shifted down.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ShlShr(ulong raw, int low, int width) => (raw << (64 - low - width)) >> (64 - width);

    /// <summary>BMI1's bit-field extract, where the CPU has it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Bextr(ulong raw, int low, int width) =>
        Bmi1.X64.IsSupported ? Bmi1.X64.BitFieldExtract(raw, (byte)low, (byte)width) : ShiftMask(raw, low, width);

    /// <summary>The bit cleared, then the bool shifted into it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SetOr(ulong raw, int bit, bool value) => (raw & ~(1UL << bit)) | ((value ? 1UL : 0UL) << bit);

    /// <summary>The bit set or cleared by a branch on the bool.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SetSelect(ulong raw, int bit, bool value) => value ? raw | (1UL << bit) : raw & ~(1UL << bit);

    /// <summary>The value range-checked as generated code checks it, the field cleared, the value shifted in.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong PlaceOr(ulong raw, ulong bits, int low, int width, string field) =>
        (raw & ~(Max(width) << low)) | (Checked(bits, width, field) << low);

    /// <summary>The value range-checked, then merged into the field with an xor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong PlaceXor(ulong raw, ulong bits, int low, int width, string field) =>
        raw ^ ((raw ^ (Checked(bits, width, field) << low)) & (Max(width) << low));

    /// <summary>The value range-checked, the field's runs cleared, the value deposited into them by BMI2's parallel bit deposit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong PlacePdep(ulong raw, ulong bits, ulong mask, int width, string field) =>
        (raw & ~mask) | Bmi2.X64.ParallelBitDeposit(Checked(bits, width, field), mask);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Checked(ulong bits, int width, string field)
    {
        if (bits > Max(width))
        {
            SpteThrow.FieldOutOfRange(field, bits, Max(width));
        }

        return bits;
    }
}

using System.Runtime.CompilerServices;
using static Spte.ZeroCost.Idiom;

namespace Spte.ZeroCost;

/// <summary><see cref="GStagePte"/>'s members over a bare <see cref="ulong"/>, in each hand-written idiom (see <see cref="EptIdioms"/>).</summary>
public static class GStageIdioms
{
    /// <summary>Bit 1 masked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool Readable_Mask(ulong pte) => BitMask(pte, 1);

    /// <summary>Bit 1 shifted down.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool Readable_Shift(ulong pte) => BitShift(pte, 1);

    /// <summary>Bit 63 masked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool Napot_Mask(ulong pte) => BitMask(pte, 63);

    /// <summary>Bit 63 shifted down.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool Napot_Shift(ulong pte) => BitShift(pte, 63);

    /// <summary>Bit 63 as the sign.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool Napot_Sign(ulong pte) => (long)pte < 0;

    /// <summary>V masked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool IsPresent_Mask(ulong pte) => BitMask(pte, 0);

    /// <summary>V compared with one.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool IsPresent_EqualsOne(ulong pte) => (pte & 1) == 1;

    /// <summary>The non-present entry.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong NonPresent_Const() => 0;

    /// <summary>RSW masked, then shifted.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static SoftwareState Software_MaskShift(ulong pte) => (SoftwareState)MaskShift(pte, 8, 2);

    /// <summary>RSW shifted, then masked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static SoftwareState Software_ShiftMask(ulong pte) => (SoftwareState)ShiftMask(pte, 8, 2);

    /// <summary>RSW shifted left, then right.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static SoftwareState Software_ShlShr(ulong pte) => (SoftwareState)ShlShr(pte, 8, 2);

    /// <summary>RSW by bit-field extract.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static SoftwareState Software_Bextr(ulong pte) => (SoftwareState)Bextr(pte, 8, 2);

    /// <summary>The PPN masked, then shifted.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Ppn_MaskShift(ulong pte) => MaskShift(pte, 10, 44);

    /// <summary>The PPN shifted, then masked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Ppn_ShiftMask(ulong pte) => ShiftMask(pte, 10, 44);

    /// <summary>The PPN shifted left, then right.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Ppn_ShlShr(ulong pte) => ShlShr(pte, 10, 44);

    /// <summary>The PPN by bit-field extract.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Ppn_Bextr(ulong pte) => Bextr(pte, 10, 44);

    /// <summary>PBMT masked, then shifted.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Pbmt Pbmt_MaskShift(ulong pte) => (Pbmt)MaskShift(pte, 61, 2);

    /// <summary>PBMT shifted, then masked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Pbmt Pbmt_ShiftMask(ulong pte) => (Pbmt)ShiftMask(pte, 61, 2);

    /// <summary>PBMT shifted left, then right.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Pbmt Pbmt_ShlShr(ulong pte) => (Pbmt)ShlShr(pte, 61, 2);

    /// <summary>PBMT by bit-field extract.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Pbmt Pbmt_Bextr(ulong pte) => (Pbmt)Bextr(pte, 61, 2);

    /// <summary>Bit 1 cleared and or-ed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithReadable_Or(ulong pte, bool value) => SetOr(pte, 1, value);

    /// <summary>Bit 1 by a branch.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithReadable_Select(ulong pte, bool value) => SetSelect(pte, 1, value);

    /// <summary>Bit 63 cleared and or-ed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithNapot_Or(ulong pte, bool value) => SetOr(pte, 63, value);

    /// <summary>Bit 63 by a branch.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithNapot_Select(ulong pte, bool value) => SetSelect(pte, 63, value);

    /// <summary>The PPN checked, cleared and or-ed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithPpn_Or(ulong pte, ulong ppn) => PlaceOr(pte, ppn, 10, 44, "Ppn");

    /// <summary>The PPN checked and merged by xor.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithPpn_Xor(ulong pte, ulong ppn) => PlaceXor(pte, ppn, 10, 44, "Ppn");

    /// <summary>RSW checked as generated code checks a signed enum (sign-extended: a negative value is huge), cleared and or-ed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithSoftware_SignExtend(ulong pte, SoftwareState state) => PlaceOr(pte, unchecked((ulong)(long)state), 8, 2, "Software");

    /// <summary>RSW checked as an unsigned 32-bit value (a negative value is still above the 2-bit maximum), cleared and or-ed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithSoftware_ZeroExtend(ulong pte, SoftwareState state) => PlaceOr(pte, (uint)state, 8, 2, "Software");

    /// <summary>A constant RSW.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithSoftwareInRange_Or(ulong pte) => (pte & ~(0x3UL << 8)) | ((ulong)SoftwareState.Zapping << 8);

    /// <summary>PBMT checked, cleared and or-ed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithPbmt_Or(ulong pte, Pbmt type) => PlaceOr(pte, (ulong)type, 61, 2, "Pbmt");

    /// <summary>PBMT checked and merged by xor.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithPbmt_Xor(ulong pte, Pbmt type) => PlaceXor(pte, (ulong)type, 61, 2, "Pbmt");

    /// <summary>Three <c>With</c>s, each its own helper.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithChain_Stepwise(ulong pte, ulong ppn) => PlaceOr(SetOr(SetOr(pte, 0, true), 1, true), ppn, 10, 44, "Ppn");

    /// <summary>Three <c>With</c>s folded by hand.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithChain_Folded(ulong pte, ulong ppn) => PlaceOr(pte | 0x3, ppn, 10, 44, "Ppn");

    /// <summary>The span fill of zeros.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void FillNonPresentOf_Span(ulong[] table) => System.MemoryExtensions.AsSpan(table).Fill(0);

    /// <summary>V tested in place.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int CountPresentOf_Mask(ulong[] table)
    {
        var count = 0;
        foreach (var pte in table)
        {
            if (BitMask(pte, 0))
            {
                count++;
            }
        }

        return count;
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using static Spte.ZeroCost.Idiom;

namespace Spte.ZeroCost;

/// <summary><see cref="NptSpte"/>'s members over a bare <see cref="ulong"/>, in each hand-written idiom (see <see cref="EptIdioms"/>).</summary>
public static class NptIdioms
{
    private const ulong Frozen = 0x5a0;

    /// <summary>Bit 0 masked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool PagePresent_Mask(ulong spte) => BitMask(spte, 0);

    /// <summary>Bit 0 compared with one.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool PagePresent_EqualsOne(ulong spte) => (spte & 1) == 1;

    /// <summary>Bit 63 masked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool NoExecute_Mask(ulong spte) => BitMask(spte, 63);

    /// <summary>Bit 63 shifted down.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool NoExecute_Shift(ulong spte) => BitShift(spte, 63);

    /// <summary>Bit 63 as the sign.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool NoExecute_Sign(ulong spte) => (long)spte < 0;

    /// <summary>The present bit masked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool IsPresent_Mask(ulong spte) => BitMask(spte, 11);

    /// <summary>The present bit shifted down.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool IsPresent_Shift(ulong spte) => BitShift(spte, 11);

    /// <summary>KVM's is_frozen_spte.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool IsFrozen_Equals(ulong spte) => spte == Frozen;

    /// <summary>The non-present entry.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong NonPresent_Const() => 0;

    /// <summary>Bits 12..51 masked, then shifted.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Pfn_MaskShift(ulong spte) => MaskShift(spte, 12, 40);

    /// <summary>Bits 12..51 shifted, then masked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Pfn_ShiftMask(ulong spte) => ShiftMask(spte, 12, 40);

    /// <summary>Bits 12..51 shifted left, then right.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Pfn_ShlShr(ulong spte) => ShlShr(spte, 12, 40);

    /// <summary>Bits 12..51 by bit-field extract.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Pfn_Bextr(ulong spte) => Bextr(spte, 12, 40);

    /// <summary>Bits 59..62 masked, then shifted.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ProtectionKey Key_MaskShift(ulong spte) => (ProtectionKey)MaskShift(spte, 59, 4);

    /// <summary>Bits 59..62 shifted, then masked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ProtectionKey Key_ShiftMask(ulong spte) => (ProtectionKey)ShiftMask(spte, 59, 4);

    /// <summary>Bits 59..62 shifted left, then right.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ProtectionKey Key_ShlShr(ulong spte) => (ProtectionKey)ShlShr(spte, 59, 4);

    /// <summary>Bits 59..62 by bit-field extract.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ProtectionKey Key_Bextr(ulong spte) => (ProtectionKey)Bextr(spte, 59, 4);

    /// <summary>The generation, each run shifted and masked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static uint Generation_ShiftMask(ulong spte) => (uint)(ShiftMask(spte, 3, 8) | (ShiftMask(spte, 52, 11) << 8));

    /// <summary>KVM's order: each run masked, then shifted.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static uint Generation_MaskShift(ulong spte) => UlongTwin.GenerationKvmOrder(spte);

    /// <summary>The generation with one bit-field extract per run.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static uint Generation_Bextr(ulong spte) => (uint)(Bextr(spte, 3, 8) | (Bextr(spte, 52, 11) << 8));

    /// <summary>The generation by parallel bit extract.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static uint Generation_Pext(ulong spte) =>
        Bmi2.X64.IsSupported ? (uint)Bmi2.X64.ParallelBitExtract(spte, 0x7FF0_0000_0000_07F8) : UlongTwin.Generation(spte);

    /// <summary>Bit 1 cleared and or-ed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithWritable_Or(ulong spte, bool value) => SetOr(spte, 1, value);

    /// <summary>Bit 1 by a branch.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithWritable_Select(ulong spte, bool value) => SetSelect(spte, 1, value);

    /// <summary>Bit 63 cleared and or-ed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithNoExecute_Or(ulong spte, bool value) => SetOr(spte, 63, value);

    /// <summary>Bit 63 by a branch.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithNoExecute_Select(ulong spte, bool value) => SetSelect(spte, 63, value);

    /// <summary>The pfn checked, cleared and or-ed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithPfn_Or(ulong spte, ulong pfn) => PlaceOr(spte, pfn, 12, 40, "Pfn");

    /// <summary>The pfn checked and merged by xor.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithPfn_Xor(ulong spte, ulong pfn) => PlaceXor(spte, pfn, 12, 40, "Pfn");

    /// <summary>The key checked, cleared and or-ed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithKey_Or(ulong spte, ProtectionKey key) => PlaceOr(spte, (ulong)key, 59, 4, "Key");

    /// <summary>The key checked and merged by xor.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithKey_Xor(ulong spte, ProtectionKey key) => PlaceXor(spte, (ulong)key, 59, 4, "Key");

    /// <summary>A constant key.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithKeyInRange_Or(ulong spte) => (spte & ~(0xFUL << 59)) | ((ulong)ProtectionKey.Last << 59);

    /// <summary>The generation placed run by run.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithGeneration_ShiftMask(ulong spte, uint generation) => UlongTwin.WithGeneration(spte, generation);

    /// <summary>The generation placed in KVM's order.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithGeneration_KvmOrder(ulong spte, uint generation) => UlongTwin.WithGenerationKvmOrder(spte, generation);

    /// <summary>The generation by parallel bit deposit.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithGeneration_Pdep(ulong spte, uint generation) =>
        Bmi2.X64.IsSupported ? PlacePdep(spte, generation, 0x7FF0_0000_0000_07F8, 19, "Generation") : UlongTwin.WithGeneration(spte, generation);

    /// <summary>Three <c>With</c>s, each its own helper.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithChain_Stepwise(ulong spte, ulong pfn) => PlaceOr(SetOr(SetOr(spte, 0, true), 1, true), pfn, 12, 40, "Pfn");

    /// <summary>Three <c>With</c>s folded by hand.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong WithChain_Folded(ulong spte, ulong pfn) => PlaceOr(spte | 0x3, pfn, 12, 40, "Pfn");

    /// <summary>The span fill of zeros.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void FillNonPresentOf_Span(ulong[] table) => System.MemoryExtensions.AsSpan(table).Fill(0);

    /// <summary>The present bit tested in place.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int CountPresentOf_Mask(ulong[] table)
    {
        var count = 0;
        foreach (var spte in table)
        {
            if (BitMask(spte, 11))
            {
                count++;
            }
        }

        return count;
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Spte.Runtime.Formats;
using Spte.Runtime.Memory;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu.Spte;

/// <summary>
/// KVM's spte.h predicates and spte.c constructors, written once over the format's
/// <c>shadow_*</c> masks. The TDP MMU maps with A/D bits enabled, so the A/D type field stays
/// <see cref="TdpAdType.Enabled"/> (0) and access tracking is not used.
/// </summary>
/// <typeparam name="T">The entry format.</typeparam>
/// <remarks>
/// The hot predicates are marked for inlining: with the formats' masks behind static abstract
/// members (static readonly fields, not constants, when compiled before their types are
/// initialised) the JIT otherwise leaves each one a call on the fault path.
/// </remarks>
internal static class Spte<T>
    where T : struct, IKvmSpte<T>
{
    /// <summary><c>is_shadow_present_pte</c>: the MMU-present bit is set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsShadowPresentPte(T spte) => spte.IsPresent;

    /// <summary>
    /// Whether <paramref name="spte"/> is exactly the non-present value, KVM's
    /// <c>spte == SHADOW_NONPRESENT_VALUE</c>: an empty slot. This is not a presence test: MMIO and
    /// frozen SPTEs are non-present too, yet not empty. Ask <see cref="IsShadowPresentPte"/> whether
    /// an entry maps something.
    /// </summary>
    [SuppressMessage("Correctness", "SPTE1003", Justification = "The one exact test for an empty slot (KVM's spte == SHADOW_NONPRESENT_VALUE), which the invariant checks need to tell a zapped entry from MMIO, frozen or corrupt non-present ones; presence is tested with IsShadowPresentPte.")]
    public static bool IsShadowNonPresentValue(T spte) => spte.Raw == T.NonPresentValue;

    /// <summary>
    /// The first two clauses of KVM's <c>is_ept_ve_possible</c>: KVM sets suppress-#VE in
    /// present SPTEs (EPT: <c>shadow_present_mask</c> holds <c>VMX_EPT_SUPPRESS_VE_BIT</c>; never
    /// on NPT), and <paramref name="spte"/> has it clear, so a walk that stops on it could deliver
    /// a #VE. KVM's third clause exempts the VMX MMIO value (RWX = W+X) by its bits; the prove-MMU
    /// check exempts MMIO SPTEs by what they are instead (<see cref="KvmMmu{T}.ProveMmuSpteWrite"/>),
    /// which also covers a TD's MMIO SPTEs (value 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsEptVePossible(T spte) =>
        (T.ShadowPresentMask & EptSpte.SuppressVeMask) != 0 && (spte.Raw & EptSpte.SuppressVeMask) == 0;

    /// <summary><c>is_large_pte</c>: the page-size bit is set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsLargePte(T spte) => (spte.Raw & T.PtPageSizeMask) != 0;

    /// <summary><c>is_last_spte</c>: the entry maps a page rather than a table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsLastSpte(T spte, int level) => level == PgLevel.Pg4K || IsLargePte(spte);

    /// <summary><c>is_executable_pte</c>: the execute bit set (EPT) and the no-execute bit clear (NPT); each format has one of the two.</summary>
    public static bool IsExecutablePte(T spte) => (spte.Raw & (T.ShadowXMask | T.ShadowNxMask)) == T.ShadowXMask;

    /// <summary><c>is_writable_pte</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsWritablePte(T spte) => (spte.Raw & T.PtWritableMask) != 0;

    /// <summary><c>is_mmu_writable_spte</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsMmuWritableSpte(T spte) => (spte.Raw & T.ShadowMmuWritableMask) != 0;

    /// <summary><c>is_accessed_spte</c> with A/D bits enabled.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsAccessedSpte(T spte) => (spte.Raw & T.ShadowAccessedMask) != 0;

    /// <summary><c>is_dirty_spte</c> with A/D bits enabled.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsDirtySpte(T spte) => (spte.Raw & T.ShadowDirtyMask) != 0;

    /// <summary>
    /// KVM's <c>spte_has_volatile_bits</c> with A/D bits enabled: someone else may change this
    /// present leaf without the MMU lock. The fast page fault makes an MMU-writable SPTE
    /// writable; the CPU sets the accessed bit, and the dirty bit of a writable SPTE.
    /// </summary>
    public static bool SpteHasVolatileBits(T spte) =>
        (!IsWritablePte(spte) && IsMmuWritableSpte(spte))
        || !IsAccessedSpte(spte)
        || (IsWritablePte(spte) && !IsDirtySpte(spte));

    /// <summary>
    /// KVM's <c>make_spte</c> for a TDP leaf: MMU-present, the vendor's present bits, accessed
    /// (not a prefetch), execute/user per <paramref name="access"/>, the page-size bit above 4K,
    /// the RAM memory type, host-writable when the host allows writes, and, when writable,
    /// <c>PT_WRITABLE_MASK</c>, MMU-writable and dirty.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MakeSpte(int level, ulong pfn, SpteAccess access, bool hostWritable)
    {
        var spte = T.PresentMask | T.ShadowPresentMask | T.ShadowAccessedMask;
        spte |= (access & SpteAccess.Exec) != 0 ? T.ShadowXMask : T.ShadowNxMask;
        if ((access & SpteAccess.User) != 0)
        {
            spte |= T.ShadowUserMask;
        }

        if (level > PgLevel.Pg4K)
        {
            spte |= T.PtPageSizeMask;
        }

        spte |= T.RamMemoryTypeBits;
        if (hostWritable)
        {
            spte |= T.ShadowHostWritableMask;
        }
        else
        {
            access &= ~SpteAccess.Write;
        }

        spte |= (pfn << HostMemory.PageShift) & T.SpteBaseAddrMask;
        if ((access & SpteAccess.Write) != 0)
        {
            spte |= T.PtWritableMask | T.ShadowMmuWritableMask | T.ShadowDirtyMask;
        }

        return T.FromRaw(spte);
    }

    /// <summary>KVM's <c>make_nonleaf_spte</c>: a present entry pointing at the table in <paramref name="childPfn"/>, all access allowed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MakeNonLeafSpte(ulong childPfn) =>
        T.FromRaw(T.PresentMask | ((childPfn << HostMemory.PageShift) & T.SpteBaseAddrMask) | T.ShadowPresentMask
            | T.PtWritableMask | T.ShadowUserMask | T.ShadowXMask | T.ShadowAccessedMask);

    /// <summary>
    /// KVM's <c>make_mmio_spte</c>: the VM's MMIO value, the access bits the mask lets through,
    /// the GPA and the memslot generation.
    /// </summary>
    public static T MakeMmioSpte(MmioSpteMask mmio, ulong gfn, uint generation, SpteAccess access) =>
        T.FromRaw(T.MmioGenerationBits(generation) | mmio.Value | ((ulong)access & mmio.AccessMask)
            | ((gfn << HostMemory.PageShift) & T.SpteBaseAddrMask));

    /// <summary>KVM's <c>is_mmio_spte</c>.</summary>
    public static bool IsMmioSpte(MmioSpteMask mmio, T spte) => mmio.IsMmioSpte(spte.Raw);

    /// <summary>KVM's <c>get_mmio_spte_gfn</c> (without the L1TF relocation, which is not modelled).</summary>
    public static ulong GetMmioSpteGfn(MmioSpteMask mmio, T spte) => (spte.Raw & T.SpteBaseAddrMask & ~mmio.Mask) >> HostMemory.PageShift;

    /// <summary>
    /// KVM's <c>kvm_mmu_changed_pte_notifier_make_spte</c>: the same leaf pointing at
    /// <paramref name="newPfn"/>, read-only, not host-writable, not accessed.
    /// </summary>
    public static T ChangedPteNotifierMakeSpte(T old, ulong newPfn)
    {
        var spte = (old.Raw & ~T.SpteBaseAddrMask) | ((newPfn << HostMemory.PageShift) & T.SpteBaseAddrMask);
        spte &= ~(T.PtWritableMask | T.ShadowHostWritableMask | T.ShadowMmuWritableMask | T.ShadowAccessedMask);
        return T.FromRaw(spte);
    }

    /// <summary>
    /// KVM's <c>make_huge_page_split_spte</c>: child <paramref name="index"/> of a table at
    /// <paramref name="childLevel"/> replacing the large leaf <paramref name="huge"/> — the same
    /// bits, the frame advanced to that child's part of the page, the page-size bit dropped at 4K.
    /// With <paramref name="makeExecutable"/> (the NX huge page mitigation, which kept the large
    /// leaf from executing) a 4K child may execute again.
    /// </summary>
    public static T MakeHugePageSplitSpte(T huge, int childLevel, int index, bool makeExecutable)
    {
        var spte = huge.Raw | (((ulong)index * PgLevel.PagesPerHpage(childLevel)) << HostMemory.PageShift);
        if (childLevel == PgLevel.Pg4K)
        {
            spte &= ~T.PtPageSizeMask;
            if (makeExecutable)
            {
                spte = (spte & ~T.ShadowNxMask) | T.ShadowXMask;
            }
        }

        return T.FromRaw(spte);
    }

    /// <summary>
    /// KVM's <c>check_spte_writable_invariants</c>: writable implies MMU-writable, and
    /// MMU-writable implies host-writable. Returns the broken rule, or null.
    /// </summary>
    public static string? CheckSpteWritableInvariants(T spte)
    {
        if (IsMmuWritableSpte(spte))
        {
            return (spte.Raw & T.ShadowHostWritableMask) == 0 ? $"MMU-writable SPTE is not host-writable: {spte}" : null;
        }

        return IsWritablePte(spte) ? $"writable SPTE is not MMU-writable: {spte}" : null;
    }
}

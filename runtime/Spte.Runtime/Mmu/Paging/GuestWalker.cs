using System;
using System.Buffers.Binary;
using Spte.Runtime.Formats;
using Spte.Runtime.Hardware;
using Spte.Runtime.Memory;
using Spte.Runtime.Memslots;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu.Paging;

/// <summary>
/// KVM's <c>FNAME(walk_addr_generic)</c> for 4-level 64-bit guest paging: reads the guest's
/// entries from guest memory through the memslots (as KVM does, not through SPTEs), checks
/// presence, reserved bits and permissions for a supervisor access, and on success sets the
/// accessed bits on the path and the dirty bit of a written leaf
/// (<c>FNAME(update_accessed_dirty_bits)</c>), logging the guest table pages it wrote.
/// </summary>
internal sealed class GuestWalker
{
    private readonly HostMemory _host;
    private readonly KvmMemslots _memslots;
    private readonly ulong _highReserved;

    public GuestWalker(HostMemory host, KvmMemslots memslots, int guestMaxPhyAddr)
    {
        _host = host;
        _memslots = memslots;
        _highReserved = guestMaxPhyAddr < 52 ? GenMask.Ull(51, guestMaxPhyAddr) : 0;
    }

    /// <summary>Walks the tables at <paramref name="sregs"/>' CR3 for <paramref name="gva"/>; false with <see cref="GuestWalk.Fault"/> set on a guest page fault.</summary>
    public bool WalkAddr(ulong gva, GuestAccessKind kind, KvmSregs sregs, int asId, bool updateAccessedDirty, out GuestWalk walk)
    {
        walk = default;
        var write = kind == GuestAccessKind.Write;
        var access = write ? PageFaultErrorCode.Write : kind == GuestAccessKind.Fetch ? PageFaultErrorCode.Fetch : PageFaultErrorCode.None;
        var nx = (sregs.Efer & X86Efer.Nxe) != 0;
        var tableGfn = (sregs.Cr3 & GenMask.Ull(51, 12)) >> HostMemory.PageShift;
        var pteAccess = SpteAccess.All;
        for (var level = PgLevel.Root4Level; ; level--)
        {
            walk.TableGfn[level] = tableGfn;
            if (!TryReadPte(asId, tableGfn, PgLevel.Index(gva >> HostMemory.PageShift, level), out var pte))
            {
                // A guest table outside every memslot reads as not present (kvm_vcpu_gfn_to_hva_prot fails).
                return Fail(ref walk, access);
            }

            walk.Ptes[level] = pte.Raw;
            if (!pte.PagePresent)
            {
                return Fail(ref walk, access);
            }

            if ((pte.Raw & ReservedBits(pte, level, nx)) != 0)
            {
                return Fail(ref walk, access | PageFaultErrorCode.Present | PageFaultErrorCode.Rsvd);
            }

            pteAccess &= GptePteAccess(pte, nx);
            walk.PtAccess[level] = (ulong)pteAccess;
            if (level == PgLevel.Pg4K || (level <= PgLevel.Pg1G && pte.PageSize))
            {
                walk.Level = level;
                walk.Gfn = pte.Pfn + ((gva >> HostMemory.PageShift) & (PgLevel.PagesPerHpage(level) - 1));
                break;
            }

            tableGfn = pte.Pfn;
        }

        walk.PteAccess = pteAccess;
        var wp = (sregs.Cr0 & X86Cr0.Wp) != 0;
        if ((write && wp && (pteAccess & SpteAccess.Write) == 0) || (kind == GuestAccessKind.Fetch && (pteAccess & SpteAccess.Exec) == 0))
        {
            return Fail(ref walk, access | PageFaultErrorCode.Present);
        }

        if (updateAccessedDirty)
        {
            UpdateAccessedDirtyBits(ref walk, gva, asId, write);
        }

        return true;
    }

    /// <summary>KVM's <c>FNAME(gpte_access)</c>: what one guest entry allows.</summary>
    public static SpteAccess GptePteAccess(GuestPte pte, bool nx) =>
        (pte.Writable ? SpteAccess.Write : SpteAccess.None)
        | (pte.User ? SpteAccess.User : SpteAccess.None)
        | (nx && pte.NoExecute ? SpteAccess.None : SpteAccess.Exec);

    /// <summary>The guest entry at <paramref name="index"/> of the table at <paramref name="tableGfn"/>; false when no memslot holds it.</summary>
    public bool TryReadPte(int asId, ulong tableGfn, int index, out GuestPte pte)
    {
        pte = GuestPte.NonPresent;
        if (_memslots.GfnToMemslot(asId, tableGfn) is not { } slot)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        _host.Read(PteHpa(slot, tableGfn, index), bytes);
        pte = GuestPte.FromRaw(BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        return true;
    }

    /// <summary>
    /// KVM's <c>is_rsvd_bits_set</c> for a present 64-bit guest entry: address bits at or above
    /// the guest's MAXPHYADDR, XD without EFER.NXE, PS in a PML4E, and the low frame bits of a
    /// large leaf (bits 13..29 of a 1G page, 13..20 of a 2M page).
    /// </summary>
    public ulong ReservedBits(GuestPte pte, int level, bool nx)
    {
        var reserved = _highReserved | (nx ? 0 : GuestPte.NoExecuteMask);
        return level switch
        {
            PgLevel.Root4Level => reserved | GuestPte.PageSizeMask,
            PgLevel.Pg1G when pte.PageSize => reserved | GenMask.Ull(29, 13),
            PgLevel.Pg2M when pte.PageSize => reserved | GenMask.Ull(20, 13),
            _ => reserved,
        };
    }

    /// <summary>
    /// KVM's <c>FNAME(update_accessed_dirty_bits)</c>: A on every entry of the path, D on the
    /// leaf of a write, each written back to guest memory (a table in a read-only slot is left
    /// alone) and its page marked dirty.
    /// </summary>
    private void UpdateAccessedDirtyBits(ref GuestWalk walk, ulong gva, int asId, bool write)
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        for (var level = PgLevel.Root4Level; level >= walk.Level; level--)
        {
            var pte = walk.Ptes[level];
            var updated = pte | GuestPte.AccessedMask | (level == walk.Level && write ? GuestPte.DirtyMask : 0);
            if (updated == pte || _memslots.GfnToMemslot(asId, walk.TableGfn[level]) is not { IsReadOnly: false } slot)
            {
                continue;
            }

            BinaryPrimitives.WriteUInt64LittleEndian(bytes, updated);
            _host.Write(PteHpa(slot, walk.TableGfn[level], PgLevel.Index(gva >> HostMemory.PageShift, level)), bytes);
            slot.MarkPageDirty(walk.TableGfn[level]);
            walk.Ptes[level] = updated;
        }
    }

    private static ulong PteHpa(KvmMemorySlot slot, ulong tableGfn, int index) =>
        (slot.HostPteOf(tableGfn).Pfn << HostMemory.PageShift) + ((ulong)index * sizeof(ulong));

    private static bool Fail(ref GuestWalk walk, PageFaultErrorCode error)
    {
        walk.Faulted = true;
        walk.Fault = error;
        return false;
    }
}

using System;
using System.Collections.Generic;
using System.Threading;
using Spte.Runtime.Memory;

namespace Spte.Runtime.Memslots;

/// <summary>What a memory-region update does (KVM's <c>enum kvm_mr_change</c>).</summary>
internal enum KvmMrChange
{
    /// <summary><c>KVM_MR_CREATE</c>.</summary>
    Create,

    /// <summary><c>KVM_MR_DELETE</c>.</summary>
    Delete,

    /// <summary><c>KVM_MR_MOVE</c>: same size and memory, another guest address.</summary>
    Move,

    /// <summary><c>KVM_MR_FLAGS_ONLY</c>.</summary>
    FlagsOnly,
}

/// <summary>A validated memory-region update, ready to commit.</summary>
/// <param name="Change">What kind of change.</param>
/// <param name="Old">The slot before (null for a create).</param>
/// <param name="New">The slot after (null for a delete).</param>
internal sealed record MemslotChange(KvmMrChange Change, KvmMemorySlot? Old, KvmMemorySlot? New);

/// <summary>
/// A VM's memory slots in every address space, and the memslot generation that MMIO SPTEs
/// carry (KVM's <c>struct kvm_memslots</c>). Lookups read an immutable snapshot without locks,
/// as KVM's SRCU-protected lookups do; updates install a new snapshot and bump the generation.
/// </summary>
internal sealed class KvmMemslots
{
    /// <summary>Address spaces: 0 normal, 1 SMM (<c>KVM_ADDRESS_SPACE_NUM</c> on x86).</summary>
    public const int AddressSpaceCount = 2;

    /// <summary>User memory slots per address space (<c>KVM_USER_MEM_SLOTS</c> on x86).</summary>
    public const int UserMemSlots = 32764;

    /// <summary>The generation bits an MMIO SPTE keeps (<c>MMIO_SPTE_GEN_MASK</c>, 19 bits).</summary>
    public const uint MmioSpteGenMask = (1U << 19) - 1;

    private readonly object _updateLock = new();
    private Snapshot _active;

    /// <summary>Creates empty memslots.</summary>
    public KvmMemslots()
    {
        var empty = new KvmMemorySlot[AddressSpaceCount][];
        for (var i = 0; i < empty.Length; i++)
        {
            empty[i] = [];
        }

        _active = new Snapshot(empty, 0);
    }

    /// <summary>The MMU notifier registered on the VMM's mm (<c>mmu_notifier_register</c> at VM creation); new slots' memory reports to it.</summary>
    internal IMmuNotifier? Notifier { get; set; }

    /// <summary>The memslot generation: bumped by every committed update.</summary>
    public ulong Generation => Volatile.Read(ref _active).Generation;

    /// <summary>The generation as an MMIO SPTE stores it.</summary>
    public uint MmioGeneration => (uint)(Generation & MmioSpteGenMask);

    /// <summary>The slots of address space <paramref name="asId"/>, by ascending base GFN.</summary>
    public IReadOnlyList<KvmMemorySlot> Slots(int asId) => Volatile.Read(ref _active).Slots[asId];

    /// <summary>KVM's <c>gfn_to_memslot</c>: the slot holding <paramref name="gfn"/>, or null (an MMIO GFN).</summary>
    public KvmMemorySlot? GfnToMemslot(int asId, ulong gfn)
    {
        var active = Volatile.Read(ref _active);

        // try_get_memslot on last_used_slot: faults come in runs within one slot.
        var last = Volatile.Read(ref active.LastUsedSlot[asId]);
        if (last is not null && last.Contains(gfn))
        {
            return last;
        }

        var slots = active.Slots[asId];
        int lo = 0, hi = slots.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var slot = slots[mid];
            if (gfn < slot.BaseGfn)
            {
                hi = mid - 1;
            }
            else if (gfn >= slot.EndGfn)
            {
                lo = mid + 1;
            }
            else
            {
                Volatile.Write(ref active.LastUsedSlot[asId], slot);
                return slot;
            }
        }

        return null;
    }

    /// <summary>KVM's <c>id_to_memslot</c>.</summary>
    public KvmMemorySlot? IdToMemslot(int asId, int id)
    {
        foreach (var slot in Volatile.Read(ref _active).Slots[asId])
        {
            if (slot.Id == id)
            {
                return slot;
            }
        }

        return null;
    }

    /// <summary>
    /// Validates a <c>KVM_SET_USER_MEMORY_REGION</c> the way KVM's
    /// <c>kvm_set_memory_region</c> does and works out the change; returns null when the
    /// request changes nothing. A create reserves the slot's host memory.
    /// </summary>
    /// <param name="slot">The slot id; bits 16 and up select the address space.</param>
    /// <param name="guestPhysAddr">The first guest physical address; page aligned.</param>
    /// <param name="memorySize">The size in bytes; page aligned; 0 deletes the slot.</param>
    /// <param name="flags">The slot's flags.</param>
    /// <param name="readOnlyAllowed">Whether the VM type supports <see cref="KvmMemFlags.ReadOnly"/>.</param>
    /// <param name="maxGfn">The largest GFN the MMU can map (<c>kvm_mmu_max_gfn</c>).</param>
    /// <param name="host">Where a new slot's memory comes from.</param>
    /// <param name="memory">The VMM's memory behind the slot and the page of it the slot starts at (its <c>userspace_addr</c>); null: fresh memory for a new slot, the slot's own for a change.</param>
    /// <exception cref="KvmException">EINVAL or EEXIST, as KVM returns.</exception>
    public MemslotChange? Prepare(uint slot, ulong guestPhysAddr, ulong memorySize, KvmMemFlags flags, bool readOnlyAllowed, ulong maxGfn, HostMemory host, (GuestRamBacking Backing, ulong Offset)? memory = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        var valid = KvmMemFlags.LogDirtyPages | (readOnlyAllowed ? KvmMemFlags.ReadOnly : KvmMemFlags.None);
        if ((flags & ~valid) != 0)
        {
            throw new KvmException(KvmErrno.EINVAL, $"flags 0x{(uint)flags:X} are not supported by this VM.");
        }

        var asId = (int)(slot >> 16);
        var id = (int)(slot & 0xFFFF);
        if (asId >= AddressSpaceCount || id >= UserMemSlots)
        {
            throw new KvmException(KvmErrno.EINVAL, $"slot 0x{slot:X} names address space {asId} and slot {id}; there are {AddressSpaceCount} address spaces of {UserMemSlots} slots.");
        }

        if ((memorySize & (HostMemory.PageSize - 1)) != 0 || (guestPhysAddr & (HostMemory.PageSize - 1)) != 0)
        {
            throw new KvmException(KvmErrno.EINVAL, $"guest_phys_addr 0x{guestPhysAddr:X} and memory_size 0x{memorySize:X} must be page aligned.");
        }

        if (guestPhysAddr + memorySize < guestPhysAddr)
        {
            throw new KvmException(KvmErrno.EINVAL, "guest_phys_addr + memory_size wraps around.");
        }

        var old = IdToMemslot(asId, id);
        if (memorySize == 0)
        {
            return old is null
                ? throw new KvmException(KvmErrno.EINVAL, $"slot {asId}:{id} does not exist, so it cannot be deleted.")
                : new MemslotChange(KvmMrChange.Delete, old, null);
        }

        var baseGfn = guestPhysAddr >> HostMemory.PageShift;
        var npages = memorySize >> HostMemory.PageShift;
        if (baseGfn + npages - 1 > maxGfn)
        {
            throw new KvmException(KvmErrno.EINVAL, $"GFNs up to 0x{baseGfn + npages - 1:X} exceed the largest mappable GFN 0x{maxGfn:X}.");
        }

        if (old is not null && (npages != old.NPages || ((flags ^ old.Flags) & KvmMemFlags.ReadOnly) != 0))
        {
            throw new KvmException(KvmErrno.EINVAL, $"slot {asId}:{id} exists; only its address or its dirty-logging flag may change, not its size or read-only flag.");
        }

        if (old is not null && memory is { } given && (!ReferenceEquals(given.Backing, old.Backing) || given.Offset != old.BackingOffset))
        {
            throw new KvmException(KvmErrno.EINVAL, $"slot {asId}:{id} exists; its userspace_addr cannot change.");
        }

        if (old is not null && baseGfn == old.BaseGfn)
        {
            return flags == old.Flags ? null : new MemslotChange(KvmMrChange.FlagsOnly, old, old.With(baseGfn, flags));
        }

        // A create or a move: the new range must not overlap another slot.
        foreach (var other in Slots(asId))
        {
            if (other.Id != id && baseGfn < other.EndGfn && other.BaseGfn < baseGfn + npages)
            {
                throw new KvmException(KvmErrno.EEXIST, $"gfn 0x{baseGfn:X}..0x{baseGfn + npages:X} overlaps {other}.");
            }
        }

        return old is null
            ? new MemslotChange(KvmMrChange.Create, null, memory is { } vmm
                ? new KvmMemorySlot(id, asId, baseGfn, npages, flags, vmm.Backing, vmm.Offset)
                : new KvmMemorySlot(id, asId, baseGfn, npages, flags, new GuestRamBacking(host, host.ReserveGuestRam(npages), npages, Notifier, ownedBySlot: true)))
            : new MemslotChange(KvmMrChange.Move, old, old.With(baseGfn, flags));
    }

    /// <summary>Fresh anonymous memory of <paramref name="pages"/> pages, as the VMM's <c>mmap</c> gives it, watched by the MMU's notifier.</summary>
    public GuestRamBacking NewBacking(HostMemory host, ulong pages) => new(host, host.ReserveGuestRam(pages), pages, Notifier);

    /// <summary>Installs a prepared change and bumps the generation (KVM's <c>kvm_swap_active_memslots</c>).</summary>
    /// <returns>The new generation.</returns>
    public ulong Commit(MemslotChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_updateLock)
        {
            var current = _active;
            var asId = (change.New ?? change.Old)!.AsId;
            var list = new List<KvmMemorySlot>(current.Slots[asId]);
            if (change.Old is not null)
            {
                list.Remove(change.Old);
            }

            if (change.New is not null)
            {
                list.Add(change.New);
            }

            list.Sort(static (a, b) => a.BaseGfn.CompareTo(b.BaseGfn));
            var slots = (KvmMemorySlot[][])current.Slots.Clone();
            slots[asId] = [.. list];
            var next = new Snapshot(slots, current.Generation + 1);
            Volatile.Write(ref _active, next);
            return next.Generation;
        }
    }

    /// <summary>Moves the generation forward without a change (tests use it to reach the MMIO generation wrap).</summary>
    internal void SkipGenerations(ulong count)
    {
        lock (_updateLock)
        {
            _active = _active with { Generation = _active.Generation + count };
        }
    }

    /// <summary>One set of slots. <see cref="LastUsedSlot"/> is KVM's <c>last_used_slot</c> per address space: a hint, so racing writers may overwrite each other.</summary>
    private sealed record Snapshot(KvmMemorySlot[][] Slots, ulong Generation)
    {
        public KvmMemorySlot?[] LastUsedSlot { get; } = new KvmMemorySlot?[AddressSpaceCount];
    }
}

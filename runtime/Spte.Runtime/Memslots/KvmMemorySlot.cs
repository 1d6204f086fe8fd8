using System.Threading;
using System;
using Spte.Runtime.Mmu;
using Spte.Runtime.X86;

namespace Spte.Runtime.Memslots;

/// <summary>
/// KVM's <c>struct kvm_memory_slot</c>: guest frames [<see cref="BaseGfn"/>,
/// <see cref="BaseGfn"/> + <see cref="NPages"/>) backed by host memory. Immutable except for
/// its dirty bitmap; a flag change or a move makes a new slot (as KVM does).
/// </summary>
internal sealed class KvmMemorySlot
{
    private readonly ulong[] _dirtyBitmap;

    internal KvmMemorySlot(int id, int asId, ulong baseGfn, ulong npages, KvmMemFlags flags, GuestRamBacking backing, ulong backingOffset = 0, ulong[]? dirtyBitmap = null, KvmLpageInfo? lpageInfo = null)
    {
        BackingOffset = backingOffset;
        Id = id;
        AsId = asId;
        BaseGfn = baseGfn;
        NPages = npages;
        Flags = flags;
        Backing = backing;
        _dirtyBitmap = dirtyBitmap ?? new ulong[(npages + 63) / 64];
        LpageInfo = lpageInfo ?? new KvmLpageInfo(baseGfn, npages, backing.FirstPfn + backingOffset);
    }

    /// <summary>The slot's <c>lpage_info</c>: which large pages may be one leaf.</summary>
    public KvmLpageInfo LpageInfo { get; }

    /// <summary>The slot number within its address space.</summary>
    public int Id { get; }

    /// <summary>The address space (0 normal, 1 SMM).</summary>
    public int AsId { get; }

    /// <summary>The first guest frame.</summary>
    public ulong BaseGfn { get; }

    /// <summary>The page of <see cref="Backing"/> behind the slot's first page (the VMM's <c>userspace_addr</c> into its mapping).</summary>
    public ulong BackingOffset { get; }

    /// <summary>The page of <see cref="Backing"/> behind <paramref name="gfn"/> (which the caller knows lies in the slot).</summary>
    public ulong BackingIndex(ulong gfn) => gfn - BaseGfn + BackingOffset;

    /// <summary>The number of 4 KiB pages.</summary>
    public ulong NPages { get; }

    /// <summary>One past the last guest frame.</summary>
    public ulong EndGfn => BaseGfn + NPages;

    /// <summary>The slot's flags.</summary>
    public KvmMemFlags Flags { get; }

    /// <summary>The host memory behind the slot.</summary>
    public GuestRamBacking Backing { get; }

    /// <summary>Whether guest writes must exit to userspace (<c>KVM_MEM_READONLY</c>).</summary>
    public bool IsReadOnly => (Flags & KvmMemFlags.ReadOnly) != 0;

    /// <summary>Whether dirty logging is on (<c>kvm_slot_dirty_track_enabled</c>).</summary>
    public bool DirtyLogging => (Flags & KvmMemFlags.LogDirtyPages) != 0;

    /// <summary>Whether <paramref name="gfn"/> lies in the slot.</summary>
    public bool Contains(ulong gfn) => gfn >= BaseGfn && gfn < EndGfn;

    /// <summary>The host mapping of <paramref name="gfn"/> (<c>__gfn_to_pfn_memslot</c> without the error cases).</summary>
    public HostPte HostPteOf(ulong gfn)
    {
        if (!Contains(gfn))
        {
            throw new ArgumentOutOfRangeException(nameof(gfn), gfn, $"GFN 0x{gfn:X} is outside slot {Id}.");
        }

        return Backing.Lookup(BackingIndex(gfn));
    }

    /// <summary>KVM's <c>mark_page_dirty_in_slot</c>.</summary>
    public void MarkPageDirty(ulong gfn)
    {
        if (!DirtyLogging || !Contains(gfn))
        {
            return;
        }

        var bit = gfn - BaseGfn;
        Interlocked.Or(ref _dirtyBitmap[bit / 64], 1UL << (int)(bit % 64));
    }

    /// <summary>Whether <paramref name="gfn"/> is marked dirty.</summary>
    public bool IsDirty(ulong gfn)
    {
        var bit = gfn - BaseGfn;
        return Contains(gfn) && (Volatile.Read(ref _dirtyBitmap[bit / 64]) & (1UL << (int)(bit % 64))) != 0;
    }

    /// <summary>Takes the dirty bitmap and clears it (the first half of <c>KVM_GET_DIRTY_LOG</c>).</summary>
    internal ulong[] TakeDirtyBitmap()
    {
        var copy = new ulong[_dirtyBitmap.Length];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = Interlocked.Exchange(ref _dirtyBitmap[i], 0);
        }

        return copy;
    }

    /// <summary>
    /// <c>KVM_GET_DIRTY_LOG</c> under manual protection: a snapshot of the bitmap, which stays as
    /// it is until <c>KVM_CLEAR_DIRTY_LOG</c> clears bits.
    /// </summary>
    internal ulong[] CopyDirtyBitmap()
    {
        var copy = new ulong[_dirtyBitmap.Length];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = Volatile.Read(ref _dirtyBitmap[i]);
        }

        return copy;
    }

    /// <summary>
    /// The clear of <c>kvm_clear_dirty_log_protect</c> for word <paramref name="word"/>: an
    /// atomic and-not, so a page the guest dirties meanwhile is never lost.
    /// </summary>
    /// <returns>The bits of <paramref name="mask"/> that were set and are now clear; never a bit past the slot's end, as those are never set.</returns>
    internal ulong ClearDirtyBits(int word, ulong mask) => mask & Interlocked.And(ref _dirtyBitmap[word], ~mask);

    /// <summary>
    /// <c>KVM_DIRTY_LOG_INITIALLY_SET</c>: a freshly allocated bitmap starts with every page of
    /// the slot dirty (<c>bitmap_set</c> in <c>kvm_prepare_memory_region</c>); bits past the
    /// slot's end stay clear.
    /// </summary>
    internal void SetAllDirty()
    {
        for (var i = 0; i < _dirtyBitmap.Length; i++)
        {
            var pages = NPages - ((ulong)i * 64);
            _dirtyBitmap[i] = pages >= 64 ? ulong.MaxValue : (1UL << (int)pages) - 1;
        }
    }

    /// <summary>
    /// A copy with other flags or another base (KVM's flags-only change and move). The copy keeps
    /// the dirty bitmap when both log dirty pages, as <c>kvm_prepare_memory_region</c> reuses
    /// <c>old-&gt;dirty_bitmap</c>; otherwise its log starts empty. A flags-only change keeps the
    /// <c>lpage_info</c> too (<c>new-&gt;arch = old-&gt;arch</c>); a move computes it afresh.
    /// </summary>
    internal KvmMemorySlot With(ulong baseGfn, KvmMemFlags flags)
    {
        var keep = DirtyLogging && (flags & KvmMemFlags.LogDirtyPages) != 0;
        return new(Id, AsId, baseGfn, NPages, flags, Backing, BackingOffset, keep ? _dirtyBitmap : null, baseGfn == BaseGfn ? LpageInfo : null);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"slot {AsId}:{Id} gfn 0x{BaseGfn:X}..0x{EndGfn:X} ({NPages} pages{(IsReadOnly ? ", read-only" : string.Empty)}{(DirtyLogging ? ", dirty logging" : string.Empty)})";
}

using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using Spte.Runtime.Memory;

namespace Spte.Runtime.Memslots;

/// <summary>
/// The host side of a slot's memory: a run of guest RAM frames (the VMM's mapping, KVM's
/// <c>userspace_addr</c>) plus the host page-table changes made under it since (a page
/// replaced by KSM or migration), which is what <c>hva_to_pfn</c> would see. It survives
/// flag changes and moves of the slot, as the VMM's mapping does.
/// Anonymous memory nobody has written is the host's shared zero page: read-only to the host,
/// so a read fault maps it read-only and the first write faults again (KVM's <c>hva_to_pfn</c>
/// without <c>FOLL_WRITE</c> gets the zero page; with it, the host's fault handler gives a
/// private page). A write by anyone — the VMM, the guest, KVM's emulator — makes the page the
/// host's own. The host backs whole 2M-aligned runs with one huge page (THP), so a write makes
/// the whole run its own; pages at the mapping's ragged ends are 4K.
/// </summary>
internal sealed class GuestRamBacking
{
    private readonly ConcurrentDictionary<ulong, HostPte> _replaced = new();

    /// <summary>
    /// Set once a page is replaced. Until then every lookup is the arithmetic alone: even a miss
    /// in an empty <see cref="ConcurrentDictionary{TKey, TValue}"/> hashes and reads its buckets,
    /// and the fault path looks up every page it maps. A lookup racing with the first replace
    /// may still see the old frame, as one just before it would; the replace runs under the MMU
    /// write lock after bumping <c>mmu_invalidate_seq</c>, so a fault that saw the old frame retries.
    /// </summary>
    private volatile bool _anyReplaced;

    /// <summary>A host page per huge page, in pages: a write allocates all of a run this long (its THP).</summary>
    private const ulong HugePages = 512;

    /// <summary>One bit per page: set once the page is the host's own (written), clear while it is the zero page.</summary>
    private readonly ulong[] _written;

    /// <summary>One bit per page: set once KVM read-faulted the zero page in there, so the host maps it.</summary>
    private readonly ulong[] _zeroMapped;

    private readonly HostMemory _host;
    private readonly IMmuNotifier? _notifier;
    private readonly object _mmapLock = new();

    internal GuestRamBacking(HostMemory host, ulong firstPfn, ulong pages, IMmuNotifier? notifier, bool ownedBySlot = false)
    {
        OwnedBySlot = ownedBySlot;
        _host = host;
        _notifier = notifier;
        FirstPfn = firstPfn;
        Pages = pages;
        _written = new ulong[(pages + 63) / 64];
        _zeroMapped = new ulong[(pages + 63) / 64];
    }

    /// <summary>Whether the memory was mapped for one slot alone (the convenience overload), so deleting the slot unmaps it; the VMM's own memory outlives its slots.</summary>
    public bool OwnedBySlot { get; }

    /// <summary>The frame behind the slot's first page, unless replaced.</summary>
    public ulong FirstPfn { get; }

    /// <summary>The number of pages.</summary>
    public ulong Pages { get; }

    /// <summary>The host mapping of page <paramref name="index"/>: its frame and whether the host lets it be written.</summary>
    public HostPte Lookup(ulong index) =>
        _anyReplaced && _replaced.TryGetValue(index, out var pte) ? pte : new HostPte(FirstPfn + index, Writable: IsWritten(index));

    /// <summary>
    /// Whether pages [<paramref name="start"/>, <paramref name="end"/>) are all the zero page or
    /// all written: only then can the host map them with one huge page (a run holding both is
    /// mapped at 4K, as Linux splits a huge zero page on the first write inside it).
    /// </summary>
    public bool SameWrittenStateIn(ulong start, ulong end)
    {
        var first = IsWritten(start);
        for (var index = start + HugePages; index < end; index += HugePages)
        {
            if (IsWritten(index) != first)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A write to page <paramref name="index"/> by the VMM or by KVM on the guest's behalf
    /// (<c>copy_to_user</c>): the host's fault handler gives it a private page first.
    /// </summary>
    internal void PrepareWrite(ulong index) => FaultInWritable(index);

    /// <summary>
    /// KVM's read fault took the host's zero page for page <paramref name="index"/> (its
    /// <c>hva_to_pfn</c> without <c>FOLL_WRITE</c> on memory nobody wrote): from now on the
    /// host maps the zero page there, so the first write replaces a mapping and tells the MMU.
    /// </summary>
    internal void MapZeroPage(ulong index)
    {
        if (!IsWritten(index) && !(_anyReplaced && _replaced.ContainsKey(index)))
        {
            var (first, end) = HostPageOf(index);
            SetBits(_zeroMapped, first, end);
        }
    }

    /// <summary>
    /// The host's write fault on page <paramref name="index"/> (Linux's <c>do_anonymous_page</c>
    /// / <c>do_wp_page</c>, reached through <c>hva_to_pfn</c> with <c>FOLL_WRITE</c>): memory
    /// nobody touched gets a private page (with the rest of its huge page) silently, as the new
    /// host PTE replaces nothing; the zero page or a page shared read-only is replaced between
    /// the notifier's invalidate-start (which drops every guest mapping of the old page and so
    /// makes a fault in flight retry) and invalidate-end. Nothing happens if the page is
    /// writable already.
    /// </summary>
    /// <returns>Whether the MMU was told (a fault that looked the page up before must retry).</returns>
    internal bool FaultInWritable(ulong index)
    {
        lock (_mmapLock)
        {
            var shared = Lookup(index);
            if (shared.Writable)
            {
                return false;
            }

            if (!(_anyReplaced && _replaced.ContainsKey(index)))
            {
                var (first, end) = HostPageOf(index);
                var notify = _notifier is not null && IsSet(_zeroMapped, first);
                if (notify)
                {
                    _notifier!.InvalidateRangeStart(this, first, end);
                }

                SetBits(_written, first, end);
                if (notify)
                {
                    _notifier!.InvalidateRangeEnd(this, first, end);
                }

                return notify;
            }

            var copy = _host.ReserveGuestRam(1);
            _host.CopyPage(shared.Pfn, copy);
            _notifier?.InvalidateRangeStart(this, index, index + 1);
            Replace(index, new HostPte(copy, Writable: true));
            _notifier?.InvalidateRangeEnd(this, index, index + 1);
            return _notifier is not null;
        }
    }

    /// <summary>The VMM mapped the memory with <c>MAP_POPULATE</c> (or wrote all of it before the guest ran): every page is its own.</summary>
    internal void Populate()
    {
        lock (_mmapLock)
        {
            SetBits(_written, 0, Pages);
        }
    }

    /// <summary>Whether a replaced page lies in pages [<paramref name="start"/>, <paramref name="end"/>) (the host then maps them at 4K).</summary>
    public bool AnyReplacedIn(ulong start, ulong end) => _anyReplaced && _replaced.Keys.Any(k => k >= start && k < end);

    /// <summary>
    /// The host replaces page <paramref name="index"/> with a copy — a KSM merge
    /// (<paramref name="shareReadOnly"/>: read-only until the guest writes) or a migration — and
    /// tells the MMU through the change-pte notifier.
    /// </summary>
    internal void ReplacePage(ulong index, bool shareReadOnly)
    {
        if (index >= Pages)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Page {index} is outside the {Pages}-page mapping.");
        }

        lock (_mmapLock)
        {
            var copy = _host.ReserveGuestRam(1);
            _host.CopyPage(Lookup(index).Pfn, copy);
            var pte = new HostPte(copy, Writable: !shareReadOnly);
            if (_notifier is null)
            {
                Replace(index, pte);
            }
            else
            {
                _notifier.ChangePte(this, index, pte);
            }
        }
    }

    /// <summary>The pages of the host page holding <paramref name="index"/>: its whole huge page where the mapping holds all of it, else the one page.</summary>
    private (ulong First, ulong End) HostPageOf(ulong index)
    {
        var start = index & ~(HugePages - 1);
        return start + HugePages <= Pages ? (start, start + HugePages) : (index, index + 1);
    }

    private bool IsWritten(ulong index) => IsSet(_written, index);

    private static bool IsSet(ulong[] bits, ulong index) => (Volatile.Read(ref bits[index >> 6]) & (1UL << (int)(index & 63))) != 0;

    private static void SetBits(ulong[] bits, ulong first, ulong end)
    {
        for (var page = first; page < end; page++)
        {
            Interlocked.Or(ref bits[page >> 6], 1UL << (int)(page & 63));
        }
    }


    internal void Replace(ulong index, HostPte pte)
    {
        _replaced[index] = pte;
        _anyReplaced = true;
    }
}

/// <summary>A host page-table entry behind guest RAM: the frame and whether it is writable.</summary>
/// <param name="Pfn">The host frame.</param>
/// <param name="Writable">Whether the host allows writes (a KSM page does not).</param>
internal readonly record struct HostPte(ulong Pfn, bool Writable);

using System;
using System.Collections.Concurrent;
using System.Linq;
using Spte.Runtime.Memory;

namespace Spte.Runtime.Memslots;

/// <summary>
/// The host side of a slot's memory: a run of guest RAM frames (the VMM's mapping, KVM's
/// <c>userspace_addr</c>) plus the host page-table changes made under it since (a page
/// replaced by KSM or migration), which is what <c>hva_to_pfn</c> would see. It survives
/// flag changes and moves of the slot, as the VMM's mapping does.
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

    private readonly HostMemory _host;
    private readonly IMmuNotifier? _notifier;
    private readonly object _mmapLock = new();

    internal GuestRamBacking(HostMemory host, ulong firstPfn, ulong pages, IMmuNotifier? notifier)
    {
        _host = host;
        _notifier = notifier;
        FirstPfn = firstPfn;
        Pages = pages;
    }

    /// <summary>The frame behind the slot's first page, unless replaced.</summary>
    public ulong FirstPfn { get; }

    /// <summary>The number of pages.</summary>
    public ulong Pages { get; }

    /// <summary>The host mapping of page <paramref name="index"/>: its frame and whether the host lets it be written.</summary>
    public HostPte Lookup(ulong index) =>
        _anyReplaced && _replaced.TryGetValue(index, out var pte) ? pte : new HostPte(FirstPfn + index, Writable: true);

    /// <summary>Whether a replaced page lies in pages [<paramref name="start"/>, <paramref name="end"/>) (the host then maps them at 4K).</summary>
    public bool AnyReplacedIn(ulong start, ulong end) => _anyReplaced && _replaced.Keys.Any(k => k >= start && k < end);

    /// <summary>
    /// The host's copy-on-write of page <paramref name="index"/> when it is shared read-only
    /// (Linux's <c>do_wp_page</c>, reached by a write fault through <c>hva_to_pfn</c>): a private
    /// copy replaces it between the notifier's invalidate-start (which drops every guest mapping
    /// of the old page) and invalidate-end. Nothing happens if the page is writable already.
    /// </summary>
    internal void BreakCow(ulong index)
    {
        lock (_mmapLock)
        {
            var shared = Lookup(index);
            if (shared.Writable)
            {
                return;
            }

            var copy = _host.ReserveGuestRam(1);
            _host.CopyPage(shared.Pfn, copy);
            _notifier?.InvalidateRangeStart(this, index, index + 1);
            Replace(index, new HostPte(copy, Writable: true));
            _notifier?.InvalidateRangeEnd(this, index, index + 1);
        }
    }

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

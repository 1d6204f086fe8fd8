using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Spte;

namespace Spte.Runtime.Memory;

/// <summary>
/// Simulated host physical memory: 4 KiB frames addressed by host PFN. Page-table frames come
/// from a fixed budget (what <see cref="MemoryCache{T}"/> tops up from; running out is
/// <see cref="HostMemoryExhaustedException"/>); each is a 512-entry table of one format.
/// Guest RAM is reserved as 1 GiB-aligned runs of frames (what a VMM's <c>mmap</c> gives
/// KVM), whose bytes are created on first touch.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class HostMemory
{
    /// <summary>The size of a frame in bytes.</summary>
    public const int PageSize = 4096;

    /// <summary>log2 of <see cref="PageSize"/> (KVM's <c>PAGE_SHIFT</c>).</summary>
    public const int PageShift = 12;

    /// <summary>Entries in a page-table page (KVM's <c>SPTE_ENT_PER_PAGE</c>).</summary>
    public const int EntriesPerPage = 512;

    /// <summary>The first page-table frame: 1 MiB, clear of PFN 0 so a zero PFN never names a table.</summary>
    public const ulong PageTableBasePfn = 0x100;

    /// <summary>The first guest RAM frame: 16 GiB.</summary>
    public const ulong GuestRamBasePfn = 1UL << 22;

    /// <summary>Guest RAM runs are aligned to 1 GiB (in frames), so 2M and 1G guest pages can be backed.</summary>
    public const ulong GuestRamAlignmentPages = 1UL << 18;

    /// <summary>Tables created at once when no spare is left: the growth step of the table memory.</summary>
    private const int PopulateBatchSize = 32;

    private readonly object _lock = new();
    private readonly Array?[] _tables;
    private readonly Stack<int> _freeTables = new();

    /// <summary>Table memory not backing a frame now, per array type: freed tables, and populated ones not yet handed out.</summary>
    private readonly Dictionary<Type, Stack<Array>> _spares = [];
    private readonly ConcurrentDictionary<ulong, byte[]> _ramBytes = new();
    private int _nextTable;
    private int _tablesInUse;
    private int _arraysCreated;
    private ulong _nextRamPfn = GuestRamBasePfn;

    /// <summary>Released runs of guest RAM (first frame, length in frames, 1 GiB multiples), reused first-fit.</summary>
    private readonly List<(ulong First, ulong Pages)> _freeRam = [];

    /// <summary>Creates host memory with room for <paramref name="pageTableBudget"/> page-table pages.</summary>
    /// <param name="pageTableBudget">How many page-table pages may be in use at once.</param>
    /// <param name="maxPhyAddr">The host's MAXPHYADDR; every frame lies below it.</param>
    public HostMemory(int pageTableBudget = 1 << 16, int maxPhyAddr = 46)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageTableBudget);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPhyAddr, 36);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPhyAddr, 52);
        if (PageTableBasePfn + (ulong)pageTableBudget > GuestRamBasePfn)
        {
            throw new ArgumentOutOfRangeException(nameof(pageTableBudget), pageTableBudget, "The page-table budget must fit below guest RAM (16 GiB of frames).");
        }

        _tables = new Array?[pageTableBudget];
        MaxPhyAddr = maxPhyAddr;
    }

    /// <summary>The host's MAXPHYADDR in bits.</summary>
    public int MaxPhyAddr { get; }

    /// <summary>How many page-table pages may be in use at once.</summary>
    public int PageTableBudget => _tables.Length;

    /// <summary>Page-table pages in use (handed out and not yet freed).</summary>
    public int PageTablePagesInUse => Volatile.Read(ref _tablesInUse);

    /// <summary>
    /// Takes a frame from the budget and fills it with a fresh table of <typeparamref name="T"/>
    /// (as <see cref="ISpte{T}.NewTable"/> makes it: every entry the non-present value).
    /// </summary>
    /// <returns>The page, or null when the budget is used up.</returns>
    public PageTablePage<T>? TryAllocatePageTable<T>()
        where T : struct, ISpte<T>
    {
        CheckFormat<T>();
        int index;
        T[]? table;
        lock (_lock)
        {
            if (_freeTables.Count > 0)
            {
                index = _freeTables.Pop();
            }
            else if (_nextTable < _tables.Length)
            {
                index = _nextTable++;
            }
            else
            {
                return null;
            }

            _tablesInUse++;
            table = TakeSpare<T>();
        }

        // KVM's topup fills each object with init_value whether the page is new or reused; the
        // memory behind a spare is resident already, so this is the only pass over it.
        if (table is not null)
        {
            table.AsSpan().Fill(T.NonPresent);
        }
        else
        {
            table = PopulateBatch<T>(handOutOne: true)!;
        }

        Volatile.Write(ref _tables[index], table);
        return new PageTablePage<T>(PageTableBasePfn + (ulong)index, table);
    }

    /// <summary>
    /// Makes the memory of up to <paramref name="tables"/> page tables of <typeparamref name="T"/>
    /// resident ahead of use, as <c>MAP_POPULATE</c> (or the C reference's <c>memset</c> of its
    /// pool) does, so that handing them out later fills memory that is already touched. Uses no
    /// budget: the frames are taken only when allocated.
    /// </summary>
    /// <returns>How many tables' memory is now ready (spares of this format).</returns>
    public int PopulatePageTables<T>(int tables)
        where T : struct, ISpte<T>
    {
        CheckFormat<T>();
        ArgumentOutOfRangeException.ThrowIfNegative(tables);
        while (true)
        {
            lock (_lock)
            {
                var spares = Spares<T>();
                if (spares.Count >= tables || _arraysCreated >= _tables.Length)
                {
                    return spares.Count;
                }
            }

            PopulateBatch<T>(handOutOne: false);
        }
    }

    /// <summary>Returns a page-table frame to the budget. The table's contents become unreachable by PFN.</summary>
    /// <exception cref="InvalidOperationException">The frame is not an allocated page table (a double free).</exception>
    public void FreePageTable(ulong pfn)
    {
        var index = TableIndex(pfn);
        lock (_lock)
        {
            if (index < 0 || _tables[index] is not { } table)
            {
                throw new InvalidOperationException($"Host PFN 0x{pfn:X} is not an allocated page table (double free?).");
            }

            // The caller freed the frame after the RCU grace period (or never linked it), so no
            // walker holds the array: it can back the next table of its format.
            _tables[index] = null;
            _freeTables.Push(index);
            _tablesInUse--;
            if (!_spares.TryGetValue(table.GetType(), out var spares))
            {
                _spares.Add(table.GetType(), spares = new Stack<Array>());
            }

            spares.Push(table);
        }
    }

    /// <summary>The page table in frame <paramref name="pfn"/>, or null if the frame holds none (free, or not a table frame).</summary>
    public T[]? PageTable<T>(ulong pfn)
        where T : struct, ISpte<T>
    {
        var index = TableIndex(pfn);
        return index < 0 ? null : Volatile.Read(ref _tables[index]) as T[];
    }

    /// <summary>
    /// The table in frame <paramref name="pfn"/> as the CPU and the MMU's walks read it, or null
    /// if the frame holds none. Unlike <see cref="PageTable{T}"/> it does not check the table's
    /// format: a CPU reads 64-bit words and so does this (every table is 512 unmanaged 64-bit
    /// entries, checked at allocation, so reading one format's table as another's is safe).
    /// Skipping the type check spares the walk a read of the array's header, a cache miss per
    /// level once the tables outgrow the caches.
    /// </summary>
    internal T[]? EntriesOf<T>(ulong pfn)
        where T : struct, ISpte<T>
    {
        var index = TableIndex(pfn);
        return index < 0 ? null : Unsafe.As<T[]>(Volatile.Read(ref _tables[index]));
    }

    /// <summary>
    /// Entry <paramref name="index"/> (0..511, as <c>SPTE_INDEX</c> yields) of a table from
    /// <see cref="EntriesOf{T}"/>, without the bounds check, which would read the array's
    /// header: every table has exactly <see cref="EntriesPerPage"/> entries.
    /// </summary>
    internal static ref T Entry<T>(T[] table, int index) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(table), index & (EntriesPerPage - 1));

    /// <summary>
    /// The index of <paramref name="pfn"/> in the page-table region (0..budget-1), or -1 when
    /// the PFN is outside it. Page-table PFNs are dense, so per-page metadata can live in arrays.
    /// </summary>
    public int TableIndex(ulong pfn)
    {
        var offset = pfn - PageTableBasePfn;
        return pfn >= PageTableBasePfn && offset < (ulong)_tables.Length ? (int)offset : -1;
    }

    /// <summary>
    /// Reserves <paramref name="pages"/> frames of guest RAM, 1 GiB aligned (the VMM's
    /// <c>mmap</c> of guest memory; KVM's <c>userspace_addr</c>): a run released before if one
    /// is long enough, else fresh frames.
    /// </summary>
    /// <returns>The first frame.</returns>
    public ulong ReserveGuestRam(ulong pages)
    {
        ArgumentOutOfRangeException.ThrowIfZero(pages);
        var aligned = (pages + GuestRamAlignmentPages - 1) & ~(GuestRamAlignmentPages - 1);
        lock (_lock)
        {
            var reuse = _freeRam.FindIndex(run => run.Pages >= aligned);
            if (reuse >= 0)
            {
                var run = _freeRam[reuse];
                _freeRam[reuse] = (run.First + aligned, run.Pages - aligned);
                _freeRam.RemoveAll(static r => r.Pages == 0);
                return run.First;
            }

            var first = _nextRamPfn;
            var end = first + pages;
            if (end > 1UL << (MaxPhyAddr - PageShift))
            {
                throw new HostMemoryExhaustedException($"Host physical address space (MAXPHYADDR {MaxPhyAddr}) cannot back {pages} more guest pages.");
            }

            _nextRamPfn = (end + GuestRamAlignmentPages - 1) & ~(GuestRamAlignmentPages - 1);
            return first;
        }
    }

    /// <summary>
    /// Gives back a run <see cref="ReserveGuestRam"/> returned (the VMM's <c>munmap</c> once a
    /// deleted slot's memory is no longer mapped by anyone): its bytes are dropped, so the next
    /// reservation of the run reads zeros, as fresh anonymous memory does.
    /// </summary>
    public void ReleaseGuestRam(ulong firstPfn, ulong pages)
    {
        var aligned = (pages + GuestRamAlignmentPages - 1) & ~(GuestRamAlignmentPages - 1);
        foreach (var pfn in _ramBytes.Keys)
        {
            if (pfn >= firstPfn && pfn < firstPfn + aligned)
            {
                _ramBytes.TryRemove(pfn, out _);
            }
        }

        lock (_lock)
        {
            _freeRam.Add((firstPfn, aligned));
        }
    }

    /// <summary>Whether <paramref name="pfn"/> is a reserved guest RAM frame.</summary>
    public bool IsGuestRam(ulong pfn)
    {
        lock (_lock)
        {
            return pfn >= GuestRamBasePfn && pfn < _nextRamPfn;
        }
    }

    /// <summary>Reads bytes of guest RAM at host physical address <paramref name="hpa"/>; never-written bytes read as 0.</summary>
    /// <exception cref="ArgumentException">The range crosses a frame boundary or is not guest RAM.</exception>
    public void Read(ulong hpa, Span<byte> destination)
    {
        var (pfn, offset) = CheckRam(hpa, destination.Length);
        if (_ramBytes.TryGetValue(pfn, out var page))
        {
            lock (page)
            {
                page.AsSpan(offset, destination.Length).CopyTo(destination);
            }
        }
        else
        {
            destination.Clear();
        }
    }

    /// <summary>Writes bytes of guest RAM at host physical address <paramref name="hpa"/>.</summary>
    /// <exception cref="ArgumentException">The range crosses a frame boundary or is not guest RAM.</exception>
    public void Write(ulong hpa, ReadOnlySpan<byte> source)
    {
        var (pfn, offset) = CheckRam(hpa, source.Length);
        var page = _ramBytes.GetOrAdd(pfn, static _ => new byte[PageSize]);
        lock (page)
        {
            source.CopyTo(page.AsSpan(offset));
        }
    }

    /// <summary>Copies one whole guest RAM frame to another (a host page migration or KSM merge).</summary>
    public void CopyPage(ulong fromPfn, ulong toPfn)
    {
        Span<byte> bytes = stackalloc byte[PageSize];
        Read(fromPfn << PageShift, bytes);
        Write(toPfn << PageShift, bytes);
    }

    /// <summary>Every table in host memory is 512 words, whatever its format, which is what lets the CPU's walk read a frame without asking its type (<see cref="EntriesOf{T}"/>).</summary>
    private static void CheckFormat<T>()
        where T : struct, ISpte<T>
    {
        if (Unsafe.SizeOf<T>() != sizeof(ulong) || RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            throw new NotSupportedException($"{typeof(T)} is not a 64-bit entry format.");
        }
    }

    /// <summary>The spare tables of format <typeparamref name="T"/>; call with <see cref="_lock"/> held.</summary>
    private Stack<Array> Spares<T>()
        where T : struct, ISpte<T>
    {
        if (!_spares.TryGetValue(typeof(T[]), out var spares))
        {
            _spares.Add(typeof(T[]), spares = new Stack<Array>());
        }

        return spares;
    }

    /// <summary>A spare table of format <typeparamref name="T"/>, or null; call with <see cref="_lock"/> held.</summary>
    private T[]? TakeSpare<T>()
        where T : struct, ISpte<T>
    {
        var spares = Spares<T>();
        return spares.Count > 0 ? (T[])spares.Pop() : null;
    }

    /// <summary>
    /// Creates a batch of tables on the pinned heap, each filled with the non-present value
    /// (which touches its memory), and keeps them as spares, or all but the one it returns when
    /// <paramref name="handOutOne"/> is set. Pinned:
    /// tables live long, and a 4 KB array in the ordinary heap would be copied at each promotion.
    /// The batch stops at the budget, so no more arrays exist than frames.
    /// </summary>
    private T[]? PopulateBatch<T>(bool handOutOne)
        where T : struct, ISpte<T>
    {
        int count;
        lock (_lock)
        {
            count = Math.Max(1, Math.Min(PopulateBatchSize, _tables.Length - _arraysCreated));
            _arraysCreated += count;
        }

        var batch = new T[]?[count];
        for (var i = 0; i < count; i++)
        {
            var table = GC.AllocateUninitializedArray<T>(EntriesPerPage, pinned: true);
            table.AsSpan().Fill(T.NonPresent);
            batch[i] = table;
        }

        lock (_lock)
        {
            var spares = Spares<T>();
            for (var i = handOutOne ? 1 : 0; i < count; i++)
            {
                spares.Push(batch[i]!);
            }
        }

        return handOutOne ? batch[0] : null;
    }

    private (ulong Pfn, int Offset) CheckRam(ulong hpa, int length)
    {
        var pfn = hpa >> PageShift;
        var offset = (int)(hpa & (PageSize - 1));
        if (offset + length > PageSize)
        {
            throw new ArgumentException($"Access of {length} bytes at host address 0x{hpa:X} crosses a page boundary.", nameof(hpa));
        }

        if (!IsGuestRam(pfn))
        {
            throw new ArgumentException($"Host address 0x{hpa:X} is not guest RAM.", nameof(hpa));
        }

        return (pfn, offset);
    }
}

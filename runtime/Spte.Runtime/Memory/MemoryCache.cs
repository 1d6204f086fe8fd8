using System;
using System.Collections.Generic;
using Spte;

namespace Spte.Runtime.Memory;

/// <summary>
/// KVM's <c>kvm_mmu_memory_cache</c> for page-table pages: a fault tops it up before it takes
/// the MMU lock, then takes pages from it without failing. Every page in it is a fresh table
/// filled with <typeparamref name="T"/>'s non-present value (KVM's <c>init_value</c>), whether
/// the topup filled the cache or stopped part-way.
/// </summary>
/// <typeparam name="T">The entry format of the tables.</typeparam>
/// <remarks>One cache per vCPU (or per thread); not thread-safe.</remarks>
internal sealed class MemoryCache<T>
    where T : struct, ISpte<T>
{
    /// <summary>KVM's <c>KVM_ARCH_NR_OBJS_PER_MEMORY_CACHE</c>.</summary>
    public const int DefaultCapacity = 40;

    private readonly HostMemory _host;
    private readonly Stack<PageTablePage<T>> _pages = new();

    /// <summary>Creates an empty cache over <paramref name="host"/>.</summary>
    public MemoryCache(HostMemory host, int capacity = DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _host = host;
        Capacity = capacity;
    }

    /// <summary>How many pages a topup tries to hold.</summary>
    public int Capacity { get; }

    /// <summary>Pages held now (KVM's <c>nobjs</c>).</summary>
    public int Count => _pages.Count;

    /// <summary>The pages held now, for invariant checks.</summary>
    public IEnumerable<PageTablePage<T>> Pages => _pages;

    /// <summary>
    /// KVM's <c>kvm_mmu_topup_memory_cache</c>: if fewer than <paramref name="min"/> pages are
    /// held, allocates up to <see cref="Capacity"/>. Running out of host pages part-way is fine
    /// while at least <paramref name="min"/> are held; the pages that were allocated stay
    /// (initialised) either way.
    /// </summary>
    /// <exception cref="HostMemoryExhaustedException">Fewer than <paramref name="min"/> pages could be held.</exception>
    public void Topup(int min)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(min, Capacity);
        if (_pages.Count >= min)
        {
            return;
        }

        while (_pages.Count < Capacity)
        {
            if (_host.TryAllocatePageTable<T>() is not { } page)
            {
                if (_pages.Count >= min)
                {
                    return;
                }

                throw new HostMemoryExhaustedException(_host.PageTableBudget, min, _pages.Count);
            }

            TopupOverride?.Invoke(page.Spt);
            _pages.Push(page);
        }
    }

    /// <summary>
    /// A bug-injection seam: runs on every page the topup adds, after it was filled. Tests use it
    /// to leave part of a page unfilled, as the seed patch's 32-bit topup branch did.
    /// </summary>
    internal Action<T[]>? TopupOverride { get; set; }

    /// <summary>KVM's <c>kvm_mmu_memory_cache_alloc</c>: takes a page.</summary>
    /// <exception cref="InvalidOperationException">The cache is empty: the caller did not top it up.</exception>
    public PageTablePage<T> Alloc()
    {
        if (!_pages.TryPop(out var page))
        {
            throw new InvalidOperationException("The memory cache is empty: top it up before taking the MMU lock.");
        }

        return page;
    }

    /// <summary>KVM's <c>kvm_mmu_free_memory_cache</c>: returns every held page to the host.</summary>
    public void FreeAll()
    {
        while (_pages.TryPop(out var page))
        {
            _host.FreePageTable(page.Pfn);
        }
    }
}

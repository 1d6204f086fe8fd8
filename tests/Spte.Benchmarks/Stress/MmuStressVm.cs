using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using Spte.Runtime.Memory;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Benchmarks.Stress;

/// <summary>
/// The VM of the stress run, driven through the runtime's internals as <c>KvmVm</c> drives them
/// (its front door runs one vCPU at a time, and this run needs several faulting at once): host
/// memory, the TDP MMU at 4K (the test maps its memfd <c>MADV_NOHUGEPAGE</c>) or up to 2M, one host mapping
/// of <see cref="MmuStressOptions.SlotBytes"/> that every slot maps (the test's memfd, written
/// once before the guest runs), and the memslot changes with the flushes KVM does for them.
/// </summary>
internal sealed class MmuStressVm<T>
    where T : struct, IKvmSpte<T>
{
    /// <summary>How far a moved slot goes: past 1 TiB, so the layout becomes sparse in the GPA space too.</summary>
    private const ulong MoveDistance = 1UL << 40;

    private readonly MmuStressOptions _options;
    private readonly KvmMemorySlot?[] _slots;

    public MmuStressVm(MmuStressOptions options, MmioSpteMask mmio)
    {
        options.Validate();
        _options = options;
        Host = new HostMemory(PageTableBudget(options), maxPhyAddr: 46);
        Mmu = new KvmMmu<T>(Host, Memslots, new KvmMmuOptions { Mmio = mmio, MaxHugePageLevel = options.HugePages ? PgLevel.Pg2M : PgLevel.Pg4K });

        // The test fills the memfd before the guest runs, so every host page is its own: no zero page, no notifier on a write.
        Backing = Memslots.NewBacking(Host, options.SlotBytes >> HostMemory.PageShift);
        Backing.Populate();
        _slots = new KvmMemorySlot?[options.SlotCount];
        for (var i = 0; i < _slots.Length; i++)
        {
            Create(i);
        }
    }

    public HostMemory Host { get; }

    public KvmMemslots Memslots { get; } = new();

    public KvmMmu<T> Mmu { get; }

    /// <summary>The host memory behind every slot.</summary>
    public GuestRamBacking Backing { get; }

    public int SlotCount => _slots.Length;

    /// <summary>The slot at index <paramref name="index"/> (id <see cref="MmuStressOptions.FirstSlot"/> + index), or null while deleted.</summary>
    public KvmMemorySlot? Slot(int index) => _slots[index];

    /// <summary>Where slot <paramref name="index"/> lives when it is not moved.</summary>
    public ulong HomeGpa(int index) => MmuStressOptions.FirstGpa + ((ulong)index * _options.SlotBytes);

    /// <summary>Enough page tables for the whole guest twice over (a fast zap's old tree is still being zapped while faults build the new one), plus every vCPU's cache.</summary>
    private static int PageTableBudget(MmuStressOptions options)
    {
        var pts = options.GuestPages / HostMemory.EntriesPerPage;
        var upper = (options.GuestBytes >> 30) + (ulong)options.SlotCount + 16;
        var budget = (2 * (pts + upper)) + ((ulong)options.Threads * MemoryCache<T>.DefaultCapacity) + 256;
        return (int)budget;
    }

    /// <summary><c>KVM_SET_USER_MEMORY_REGION</c> creating slot <paramref name="index"/> at its home over the shared host memory.</summary>
    public void Create(int index)
    {
        var change = Memslots.Prepare(Id(index), HomeGpa(index), _options.SlotBytes, KvmMemFlags.None, readOnlyAllowed: true, Mmu.MaxGfn, Host, (Backing, 0))!;
        Memslots.Commit(change);
        _slots[index] = change.New;
    }

    /// <summary>Deletes slot <paramref name="index"/>; an ordinary VM flushes with a fast zap (<c>KVM_X86_QUIRK_SLOT_ZAP_ALL</c>).</summary>
    public void Delete(int index)
    {
        var old = _slots[index]!;
        Memslots.Commit(Memslots.Prepare(Id(index), 0, 0, KvmMemFlags.None, readOnlyAllowed: true, Mmu.MaxGfn, Host)!);
        _slots[index] = null;
        Flush(old);
    }

    /// <summary>Moves slot <paramref name="index"/> away from its home, or back to it; the old range is flushed as for a delete.</summary>
    public void Move(int index, bool away)
    {
        var old = _slots[index]!;
        var gpa = HomeGpa(index) + (away ? MoveDistance : 0);
        var change = Memslots.Prepare(Id(index), gpa, _options.SlotBytes, old.Flags, readOnlyAllowed: true, Mmu.MaxGfn, Host)!;
        Memslots.Commit(change);
        _slots[index] = change.New;
        Flush(old);
    }

    /// <summary>
    /// Turns dirty logging on or off for slot <paramref name="index"/>, then does what
    /// <c>kvm_mmu_slot_apply_flags</c> does: on, split large leafs (<c>eager_page_split</c>) and write-protect
    /// the slot under the shared lock; off, zap what could be collapsed.
    /// </summary>
    public void SetLogging(int index, bool on)
    {
        var old = _slots[index]!;
        var flags = on ? KvmMemFlags.LogDirtyPages : KvmMemFlags.None;
        if (Memslots.Prepare(Id(index), old.BaseGfn << HostMemory.PageShift, _options.SlotBytes, flags, readOnlyAllowed: true, Mmu.MaxGfn, Host) is not { } change)
        {
            return;
        }

        Memslots.Commit(change);
        var slot = change.New!;
        _slots[index] = slot;
        if (on)
        {
            Mmu.SlotTrySplitHugePages(slot, PgLevel.Pg4K);
            Mmu.WrprotSlot(slot, PgLevel.Pg4K);
        }
        else
        {
            Mmu.ZapCollapsibleSptes(slot);
        }
    }

    /// <summary>Guest pages the leafs map now (a 2M leaf maps 512).</summary>
    public long MappedPages => Mmu.Stats[MmuStat.Pages4K] + (Mmu.Stats[MmuStat.Pages2M] * HostMemory.EntriesPerPage);

    /// <summary>Pages marked dirty over every slot.</summary>
    public ulong DirtyPages() =>
        _slots.Where(static s => s is not null).Aggregate(0UL, static (sum, s) => sum + s!.CopyDirtyBitmap().Aggregate(0UL, static (n, w) => n + (ulong)BitOperations.PopCount(w)));

    /// <summary>
    /// The host unmaps pages [<paramref name="first"/>, <paramref name="end"/>) of the shared
    /// memory (the test's final <c>munmap</c> of half of it): the MMU notifier finds every slot
    /// that maps them and zaps those GFNs.
    /// </summary>
    public void Unmap(ulong first, ulong end)
    {
        IMmuNotifier notifier = Mmu;
        notifier.InvalidateRangeStart(Backing, first, end);
        notifier.InvalidateRangeEnd(Backing, first, end);
    }

    /// <summary>
    /// The invariant walk, and the tables that went missing: after a grace period every table
    /// the MMU linked and unlinked must have been freed (allocated − freed = linked), and every
    /// host page-table page must be linked or held in a cache.
    /// </summary>
    public (MmuInvariantReport Report, long Leaked) Check(IReadOnlyCollection<MemoryCache<T>> caches)
    {
        Mmu.Rcu.Barrier();
        var report = Mmu.CheckInvariants(caches);
        var stats = Mmu.Stats;
        var linked = stats[MmuStat.TablesInUse];
        var unfreed = stats[MmuStat.TablesAllocated] - stats[MmuStat.TablesFreed] - linked;
        var unaccounted = Host.PageTablePagesInUse - linked - caches.Sum(static c => c.Count);
        return (report, Math.Abs(unfreed) + Math.Abs(unaccounted));
    }

    private static uint Id(int index) => (uint)(MmuStressOptions.FirstSlot + index);

    /// <summary><c>kvm_arch_flush_shadow_memslot</c> for an ordinary VM, then <c>kvm_arch_free_memslot</c>.</summary>
    private void Flush(KvmMemorySlot old)
    {
        Mmu.ZapAllFast();
        Mmu.FreeMemslot(old);
    }
}

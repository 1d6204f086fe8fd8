using System;
using Spte.Runtime.Formats;
using Spte.Runtime.Hardware;
using Spte.Runtime.Memory;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.Mmu.Tdp;
using Spte.Runtime.X86;

namespace Spte.Benchmarks;

/// <summary>
/// One VM's MMU driven directly, as <c>KvmVcpu.Run</c> drives it but without its event trace
/// (which formats strings per exit and would dominate the figures): host memory, one memslot of
/// guest RAM at GPA 0, a 4-level root, a vCPU's memory cache and the simulated CPU's walker.
/// Mappings are 4K only (huge pages off), as in the C reference. The MMU is the TDP MMU, or the
/// legacy MMU with <c>tdpMmu: false</c>.
/// </summary>
internal sealed class MmuRig<T>
    where T : struct, IKvmSpte<T>
{
    public MmuRig(ulong slotPages, MmioSpteMask mmio, Func<HostMemory, ITdpWalker> walker, bool tdpMmu = true)
    {
        Host = new HostMemory(pageTableBudget: 1 << 16, maxPhyAddr: 46);

        // The C reference touches its table pool before timing; KVM's memory cache is topped up
        // from resident memory. Make the memory of every table the slot can need resident too.
        Host.PopulatePageTables<T>(TablesFor(slotPages) + MemoryCache<T>.DefaultCapacity);
        Mmu = new KvmMmu<T>(Host, new KvmMemslots(), new KvmMmuOptions { Mmio = mmio, MaxHugePageLevel = PgLevel.Pg4K, TdpMmu = tdpMmu });
        var change = Mmu.Memslots.Prepare(0, 0, slotPages << HostMemory.PageShift, KvmMemFlags.None, readOnlyAllowed: true, Mmu.MaxGfn, Host)!;
        Mmu.Memslots.Commit(change);
        Cache = new MemoryCache<T>(Host);
        Root = Mmu.GetRoot(0, Cache);
        Walker = walker(Host);
    }

    public HostMemory Host { get; }

    public KvmMmu<T> Mmu { get; }

    public MemoryCache<T> Cache { get; }

    public KvmMmuPage<T> Root { get; }

    public ITdpWalker Walker { get; }

    /// <summary>Page tables a 4-level tree needs to map every page of a slot of <paramref name="pages"/> at GPA 0 with 4K leaves.</summary>
    private static int TablesFor(ulong pages)
    {
        var tables = 1;
        for (var level = 1; level < PgLevel.Root4Level; level++)
        {
            pages = (pages + HostMemory.EntriesPerPage - 1) / HostMemory.EntriesPerPage;
            tables += (int)pages;
        }

        return tables;
    }

    /// <summary>The fault handler alone: <c>kvm_mmu_page_fault</c> for a read of <paramref name="gfn"/>.</summary>
    public PageFaultResult Fault(ulong gfn, PageFaultErrorCode error) =>
        Mmu.PageFault(Root, gfn << HostMemory.PageShift, error, Cache);

    /// <summary>KVM's <c>kvm_mmu_faultin_pfn</c> for a read of <paramref name="gfn"/>: the resolved fault the map step takes.</summary>
    public KvmPageFault Faultin(ulong gfn)
    {
        var fault = new KvmPageFault
        {
            Addr = gfn << HostMemory.PageShift,
            ErrorCode = PageFaultErrorCode.User,
            Gfn = gfn,
            AsId = Root.AsId,
            MaxLevel = Mmu.Options.MaxHugePageLevel,
        };
        return Mmu.FaultinPfn(ref fault) == PageFaultResult.Continue
            ? fault
            : throw new InvalidOperationException($"gfn 0x{gfn:X} did not resolve to a host page.");
    }

    /// <summary>
    /// The map step alone, KVM's <c>kvm_tdp_mmu_map</c> (its RCU section included), after the
    /// cache top-up the fault handler does first (a count check, or fresh tables as C's
    /// <c>alloc_table</c> makes them); the caller holds the MMU lock for read, as KVM's does.
    /// </summary>
    public PageFaultResult Map(ref KvmPageFault fault)
    {
        Cache.Topup(Mmu.Options.TopupMin);
        return Mmu.Tdp.KvmTdpMmuMap(Root, ref fault, Cache);
    }

    /// <summary>The CPU's walk for a read of <paramref name="gpa"/>, inside an RCU read section as in guest mode.</summary>
    public TdpWalkResult Walk(ulong gpa)
    {
        using (Mmu.Rcu.ReadLock())
        {
            return Walker.Walk(Root.Pfn, Root.Level, gpa, GuestAccessKind.Read);
        }
    }
}

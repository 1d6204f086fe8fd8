using System;
using System.Collections.Generic;
using Spte.Runtime.Formats;
using Spte.Runtime.Memory;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.Mmu.Tdp;
using Spte.Runtime.X86;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>An MMU over fresh host memory and memslots, driven directly (no vCPU), for unit tests.</summary>
internal sealed class MmuHarness<T>
    where T : struct, IKvmSpte<T>
{
    public MmuHarness(MmioSpteMask mmio, int budget = 4096, int maxPhyAddr = 46, int rootLevel = PgLevel.Root4Level, int maxHugePageLevel = PgLevel.Pg1G, bool tdpMmu = true, bool eagerPageSplit = true, bool nxHugePages = false, Func<bool>? needResched = null)
    {
        Host = new HostMemory(budget, maxPhyAddr);
        Mmu = new KvmMmu<T>(Host, Memslots, new KvmMmuOptions { Mmio = mmio, RootLevel = rootLevel, MaxHugePageLevel = maxHugePageLevel, TdpMmu = tdpMmu, EagerPageSplit = eagerPageSplit, NxHugePages = nxHugePages, NeedResched = needResched });
        Cache = new MemoryCache<T>(Host);
        Root = Mmu.GetRoot(0, Cache);
    }

    public HostMemory Host { get; }

    public KvmMemslots Memslots { get; } = new();

    public KvmMmu<T> Mmu { get; }

    public MemoryCache<T> Cache { get; }

    public KvmMmuPage<T> Root { get; private set; }

    /// <summary>Adds a slot; unless <paramref name="populate"/> is false its memory is the VMM's own already (as after loading an image), so a read fault maps it writable.</summary>
    public KvmMemorySlot AddSlot(int id, ulong gpa, ulong size, KvmMemFlags flags = KvmMemFlags.None, bool populate = true)
    {
        var change = Memslots.Prepare((uint)id, gpa, size, flags, readOnlyAllowed: true, Mmu.MaxGfn, Host)!;
        Memslots.Commit(change);
        if (populate)
        {
            change.New!.Backing.Populate();
        }

        return change.New!;
    }

    public KvmMemorySlot SetFlags(KvmMemorySlot slot, KvmMemFlags flags)
    {
        // No change (the flags are already set, as when parallel zappers run out of order) is null.
        if (Memslots.Prepare((uint)slot.Id, slot.BaseGfn << 12, slot.NPages << 12, flags, readOnlyAllowed: true, Mmu.MaxGfn, Host) is not { } change)
        {
            return slot;
        }

        Memslots.Commit(change);
        return change.New!;
    }

    /// <summary>Faults like a vCPU would: again while the MMU asks for a retry.</summary>
    public PageFaultResult Fault(ulong gpa, PageFaultErrorCode error = PageFaultErrorCode.User)
    {
        for (var i = 0; i < 16; i++)
        {
            if (KvmMmu<T>.IsObsoleteRoot(Root))
            {
                Mmu.PutRoot(Root);
                Root = Mmu.GetRoot(0, Cache);
            }

            var result = Mmu.PageFault(Root, gpa, error, Cache);
            if (result != PageFaultResult.Retry)
            {
                return result;
            }
        }

        Assert.Fail($"fault at 0x{gpa:X} kept retrying");
        return PageFaultResult.Retry;
    }

    /// <summary>The SPTE the walk to <paramref name="gpa"/> ends on, and its level.</summary>
    public (int Level, T Spte) Last(ulong gpa) => Mmu.GetWalk(Root, gpa)[^1];

    public IReadOnlyList<(int Level, T Spte)> Walk(ulong gpa) => Mmu.GetWalk(Root, gpa);

    public void AssertInvariants() => Mmu.CheckInvariants([Cache]).ThrowIfViolated();
}

using System;
using System.Buffers.Binary;
using Spte.Runtime;
using Spte.Runtime.Formats;
using Spte.Runtime.Hardware;
using Spte.Runtime.Memory;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Paging;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Benchmarks;

/// <summary>
/// A shadow-paging MMU (<c>npt=N</c>) driven directly, like <see cref="MmuRig{T}"/>: one memslot
/// holding the guest's RAM and, above it, the guest's own 4-level tables, which identity-map the
/// RAM with 4K pages (accessed and dirty preset, so the guest walk writes nothing). Every fault is
/// <c>FNAME(page_fault)</c>: the guest walk, faultin and <c>FNAME(fetch)</c>.
/// </summary>
internal sealed class ShadowRig
{
    private readonly KvmSregs _sregs;

    public ShadowRig(ulong ramPages)
    {
        var ptPages = 3 + ((ramPages + 511) / 512);
        Host = new HostMemory(pageTableBudget: 1 << 16, maxPhyAddr: 46);
        Host.PopulatePageTables<NptSpte>((int)(ptPages + (ramPages / 512)) + 8 + MemoryCache<NptSpte>.DefaultCapacity);
        Mmu = new KvmMmu<NptSpte>(Host, new KvmMemslots(), new KvmMmuOptions
        {
            Mmio = MmioSpteMask.Npt(46),
            MaxHugePageLevel = PgLevel.Pg4K,
            TdpMmu = false,
            ShadowPaging = true,
        });
        var change = Mmu.Memslots.Prepare(0, 0, (ramPages + ptPages) << HostMemory.PageShift, KvmMemFlags.None, readOnlyAllowed: true, Mmu.MaxGfn, Host)!;
        Mmu.Memslots.Commit(change);
        var pml4 = IdentityMap(ramPages);
        _sregs = KvmSregs.LongMode(pml4 << HostMemory.PageShift);
        GuestWalker = new GuestWalker(Host, Mmu.Memslots, 46);
        Cache = new MemoryCache<NptSpte>(Host);
        Root = Mmu.GetShadowRoot(0, pml4, Cache);
    }

    public HostMemory Host { get; }

    public KvmMmu<NptSpte> Mmu { get; }

    public MemoryCache<NptSpte> Cache { get; }

    public KvmMmuPage<NptSpte> Root { get; }

    private GuestWalker GuestWalker { get; }

    /// <summary>The shadow-paging fault handler for a read of guest-virtual page <paramref name="gvfn"/>.</summary>
    public PageFaultResult Fault(ulong gvfn) =>
        Mmu.ShadowPageFault(Root, gvfn << HostMemory.PageShift, PageFaultErrorCode.None, _sregs, GuestWalker, Cache, out _, out _);

    /// <summary>Writes the identity map of GFNs [0, <paramref name="ramPages"/>) above the RAM; returns the PML4's GFN.</summary>
    private ulong IdentityMap(ulong ramPages)
    {
        var slot = Mmu.Memslots.GfnToMemslot(0, 0)!;
        const ulong table = GuestPte.PagePresentMask | GuestPte.WritableMask | GuestPte.AccessedMask;
        var pml4 = ramPages;
        var pdpt = ramPages + 1;
        var pd = ramPages + 2;
        var firstPt = ramPages + 3;
        Write(slot, pml4, 0, GuestPte.FromRaw(table).WithPfn(pdpt).Raw);
        Write(slot, pdpt, 0, GuestPte.FromRaw(table).WithPfn(pd).Raw);
        for (var gfn = 0UL; gfn < ramPages; gfn++)
        {
            var pt = firstPt + (gfn / 512);
            if (gfn % 512 == 0)
            {
                Write(slot, pd, (int)(gfn / 512), GuestPte.FromRaw(table).WithPfn(pt).Raw);
            }

            Write(slot, pt, (int)(gfn % 512), GuestPte.FromRaw(table | GuestPte.DirtyMask).WithPfn(gfn).Raw);
        }

        return pml4;
    }

    private void Write(KvmMemorySlot slot, ulong tableGfn, int index, ulong value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        Host.Write((slot.HostPteOf(tableGfn).Pfn << HostMemory.PageShift) + ((ulong)index * sizeof(ulong)), bytes);
    }
}

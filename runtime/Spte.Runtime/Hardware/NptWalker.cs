using System.Runtime.CompilerServices;
using System.Threading;
using System;
using Spte.Runtime.Formats;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Tdp;
using Spte.Runtime.X86;

namespace Spte.Runtime.Hardware;

/// <summary>
/// The simulated AMD CPU's nested-paging walk (APM "Nested Paging"): reads the x86-64 tables
/// from host memory, sets accessed/dirty flags, and ends in a translation or a nested page
/// fault (#NPF) whose error code says present/write/user/reserved/fetch. Nested walks are user
/// accesses. An MMIO SPTE sets P and reserved address bits, so it faults with RSVD.
/// </summary>
internal sealed class NptWalker : ITdpWalker
{
    private readonly HostMemory _host;
    private readonly ulong _highReserved;

    /// <summary>Per level: what <see cref="ReservedBits"/> gives for an entry without PS (index 0 unused).</summary>
    private readonly LevelWords _reservedNonLarge;

    /// <summary>Per level: the same for an entry with PS.</summary>
    private readonly LevelWords _reservedLarge;

    /// <summary>Creates a walker.</summary>
    public NptWalker(HostMemory host, NptCapabilities capabilities)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(capabilities);
        _host = host;
        Capabilities = capabilities;
        _highReserved = capabilities.MaxPhyAddr < 52 ? GenMask.Ull(51, capabilities.MaxPhyAddr) : 0;
        for (var level = PgLevel.Pg4K; level <= PgLevel.Root5Level; level++)
        {
            _reservedNonLarge[level] = ReservedBits(NptSpte.NonPresent, level);
            _reservedLarge[level] = ReservedBits(NptSpte.FromRaw(NptSpte.LargeLeaf.PageSizeMask), level);
        }
    }

    /// <summary>The CPU's nested-paging features.</summary>
    public NptCapabilities Capabilities { get; }

    /// <inheritdoc/>
    public TdpWalkResult Walk(ulong rootPfn, int rootLevel, ulong gpa, GuestAccessKind access)
    {
        var error = PageFaultErrorCode.User | PageFaultErrorCode.GuestFinal | access switch
        {
            GuestAccessKind.Write => PageFaultErrorCode.Write,
            GuestAccessKind.Fetch => PageFaultErrorCode.Fetch,
            _ => PageFaultErrorCode.None,
        };
        var gfn = gpa >> HostMemory.PageShift;
        var pfn = rootPfn;
        var user = true;
        var writable = true;
        var noExecute = false;
        for (var level = rootLevel; ; level--)
        {
            var table = _host.EntriesOf<NptSpte>(pfn) ?? throw NoTable(pfn);
            ref var slot = ref HostMemory.Entry(table, PgLevel.Index(gfn, level));
            NptSpte entry;
            while (true)
            {
                entry = TdpIter<NptSpte>.ReadSpte(ref slot);
                if (!entry.PagePresent)
                {
                    return Fault(gpa, level, entry, error, "entry not present");
                }

                var reservedMask = (entry.Raw & NptSpte.LargeLeaf.PageSizeMask) != 0 ? _reservedLarge[level] : _reservedNonLarge[level];
                if ((entry.Raw & reservedMask) is var reserved and not 0)
                {
                    return Fault(gpa, level, entry, error | PageFaultErrorCode.Present | PageFaultErrorCode.Rsvd, $"reserved bits 0x{reserved:X} set");
                }

                if (entry.AsLeaf.Accessed || SetBit(ref slot, entry, NptSpte.Leaf.AccessedMask))
                {
                    break;
                }
            }

            entry = NptSpte.FromRaw(entry.Raw | NptSpte.Leaf.AccessedMask);
            user &= entry.User;
            writable &= entry.Writable;
            noExecute |= entry.NoExecute;
            var leaf = level == PgLevel.Pg4K || (level <= PgLevel.Pg1G && entry.AsLargeLeaf.PageSize);
            if (!leaf)
            {
                pfn = entry.Pfn;
                continue;
            }

            if (!user || (access == GuestAccessKind.Write && !writable) || (access == GuestAccessKind.Fetch && noExecute))
            {
                return Fault(gpa, level, entry, error | PageFaultErrorCode.Present, "access not permitted");
            }

            if (access == GuestAccessKind.Write)
            {
                SetDirty(ref slot, entry);
            }

            // A large leaf's frame bits below the page size are reserved (checked above), except
            // bit 12, the large page's PAT bit, which is not part of the address.
            var pageMask = (PgLevel.PagesPerHpage(level) << HostMemory.PageShift) - 1;
            var hpa = ((entry.Pfn << HostMemory.PageShift) & ~pageMask) + (gpa & pageMask);
            return new TdpWalkResult(TdpWalkOutcome.Translated, gpa, hpa, level, entry.Raw, EptViolationQualification.None, PageFaultErrorCode.None, string.Empty);
        }
    }

    /// <summary>
    /// The reserved bits of a present entry at <paramref name="level"/> (KVM's
    /// <c>__reset_rsvds_bits_mask</c> for 64-bit paging): address bits at or above MAXPHYADDR;
    /// PS in a PML5E/PML4E (the <see cref="NptSpte.NonLeaf"/> view's reserved bit) and in a
    /// PDPTE without 1G pages; bits 13..29 of a 1G leaf and 13..20 of a 2M leaf.
    /// </summary>
    public ulong ReservedBits(NptSpte entry, int level)
    {
        var large = entry.AsLargeLeaf.PageSize;
        return level switch
        {
            >= PgLevel.Root4Level => _highReserved | NptSpte.NonLeaf.ReservedMask,
            PgLevel.Pg1G when large && !Capabilities.Supports1G => _highReserved | NptSpte.LargeLeaf.PageSizeMask,
            PgLevel.Pg1G when large => _highReserved | GenMask.Ull(29, 13),
            PgLevel.Pg2M when large => _highReserved | GenMask.Ull(20, 13),
            _ => _highReserved,
        };
    }

    private static TdpWalkResult Fault(ulong gpa, int level, NptSpte entry, PageFaultErrorCode error, string reason) =>
        new(TdpWalkOutcome.NestedPageFault, gpa, 0, level, entry.Raw, EptViolationQualification.None, error, reason);

    private static void SetDirty(ref NptSpte slot, NptSpte used)
    {
        while (true)
        {
            var current = TdpIter<NptSpte>.ReadSpte(ref slot);
            if (current.Pfn != used.Pfn || !current.PagePresent || current.AsLeaf.Dirty || SetBit(ref slot, current, NptSpte.Leaf.DirtyMask))
            {
                return;
            }
        }
    }

    private static bool SetBit(ref NptSpte slot, NptSpte seen, ulong bit) =>
        Interlocked.CompareExchange(ref Unsafe.As<NptSpte, ulong>(ref slot), seen.Raw | bit, seen.Raw) == seen.Raw;

    /// <summary>Out of line so the walk loop carries no message formatting.</summary>
    private static InvalidOperationException NoTable(ulong pfn) =>
        new($"The CPU walked into host frame 0x{pfn:X}, which holds no page table (a table was freed while still linked).");
}

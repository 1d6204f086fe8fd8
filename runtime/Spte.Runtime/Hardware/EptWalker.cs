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
/// The simulated Intel CPU's EPT walk (SDM "EPT Translation Mechanism"): reads the tables from
/// host memory, sets accessed/dirty flags, and ends in a translation, an EPT violation (with
/// its exit qualification), an EPT misconfiguration, or — when "EPT-violation #VE" is on, the
/// deciding entry's suppress-#VE bit is clear and the #VE information area is free — a #VE
/// delivered to the guest instead of the violation.
/// </summary>
internal sealed class EptWalker : ITdpWalker
{
    /// <summary>The basic exit reason of an EPT violation.</summary>
    public const uint ExitReasonEptViolation = 48;

    /// <summary>Bit n set: memory type n is reserved in a leaf (valid are UC 0, WC 1, WT 4, WP 5, WB 6).</summary>
    private const uint ReservedMemoryTypes = 0b1000_1100;

    private readonly HostMemory _host;
    private readonly ulong _highReserved;

    /// <summary>Per level: <see cref="EptSpte.LargeLeaf.LargePageMask"/> where bit 7 can make a large leaf (2M, 1G), else 0.</summary>
    private readonly LevelWords _largeBit;

    /// <summary>
    /// Per <see cref="Kind"/>: the reserved bits (<see cref="ReservedBits"/>), with bit 7 added
    /// for a large leaf where the CPU has no large page at that level.
    /// </summary>
    private readonly KindWords _reserved;

    /// <summary>
    /// Per <see cref="Kind"/>: bit n set when an entry whose bits 5..0 are n is misconfigured by
    /// its XWR bits (write without read; execute-only without support) or, in a leaf, by its
    /// memory type (bits 5..3), so one shift tests both rules.
    /// </summary>
    private readonly KindWords _misconfiguredLow6;

    /// <summary>The accessed flag the CPU sets, or 0 without EPT A/D.</summary>
    private readonly ulong _accessedMask;

    /// <summary>The vCPU's page-modification log when <see cref="EptCapabilities.Pml"/> is on.</summary>
    public PmlLog? Pml { get; }

    /// <summary>Creates a walker for one vCPU.</summary>
    /// <param name="host">Where the tables live.</param>
    /// <param name="capabilities">The CPU's EPT features.</param>
    /// <param name="veInfo">The vCPU's #VE information area when "EPT-violation #VE" is enabled (always for a TD), else null.</param>
    public EptWalker(HostMemory host, EptCapabilities capabilities, VeInformationArea? veInfo)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(capabilities);
        _host = host;
        Capabilities = capabilities;
        VeInfo = veInfo;
        _highReserved = capabilities.MaxPhyAddr < 52 ? GenMask.Ull(51, capabilities.MaxPhyAddr) : 0;
        _accessedMask = capabilities.AccessedDirty ? EptSpte.Leaf.AccessedMask : 0;
        Pml = !capabilities.Pml ? null
            : capabilities.AccessedDirty ? new PmlLog()
            : throw new ArgumentException("PML logs the writes that set EPT dirty flags, so it needs EPT A/D.", nameof(capabilities));
        var misconfiguredXwr = (1U << 0b010) | (1U << 0b110) | (capabilities.ExecuteOnly ? 0 : 1U << 0b100);
        var xwrOnly = 0UL;
        var xwrOrMemoryType = 0UL;
        for (var low6 = 0; low6 < 64; low6++)
        {
            var badXwr = ((misconfiguredXwr >> (low6 & 7)) & 1) != 0;
            xwrOnly |= badXwr ? 1UL << low6 : 0;
            xwrOrMemoryType |= badXwr || ((ReservedMemoryTypes >> (low6 >> 3)) & 1) != 0 ? 1UL << low6 : 0;
        }

        for (var level = PgLevel.Pg4K; level <= PgLevel.Root5Level; level++)
        {
            var canBeLarge = level is PgLevel.Pg2M or PgLevel.Pg1G;
            _largeBit[level] = canBeLarge ? EptSpte.LargeLeaf.LargePageMask : 0;
            _reserved[Kind(level, large: false)] = ReservedBits(EptSpte.NonPresent, level);
            _misconfiguredLow6[Kind(level, large: false)] = level == PgLevel.Pg4K ? xwrOrMemoryType : xwrOnly;
            if (canBeLarge)
            {
                var supported = level == PgLevel.Pg1G ? capabilities.Supports1G : capabilities.Supports2M;
                _reserved[Kind(level, large: true)] = ReservedBits(EptSpte.FromRaw(EptSpte.LargeLeaf.LargePageMask), level)
                    | (supported ? 0 : EptSpte.LargeLeaf.LargePageMask);
                _misconfiguredLow6[Kind(level, large: true)] = xwrOrMemoryType;
            }
        }
    }

    /// <summary>The CPU's EPT features.</summary>
    public EptCapabilities Capabilities { get; }

    /// <summary>The #VE information area, or null when EPT violations never become #VEs.</summary>
    public VeInformationArea? VeInfo { get; }

    /// <inheritdoc/>
    public TdpWalkResult Walk(ulong rootPfn, int rootLevel, ulong gpa, GuestAccessKind access)
    {
        var (accessBit, needed) = access switch
        {
            GuestAccessKind.Read => (EptViolationQualification.AccRead, EptSpte.ReadableMask),
            GuestAccessKind.Write => (EptViolationQualification.AccWrite, EptSpte.WritableMask),
            _ => (EptViolationQualification.AccInstr, EptSpte.ExecutableMask),
        };
        var accessed = _accessedMask;
        var gfn = gpa >> HostMemory.PageShift;
        var pfn = rootPfn;
        var rwx = EptSpte.VmxEptRwxMask;
        for (var level = rootLevel; ; level--)
        {
            var table = _host.EntriesOf<EptSpte>(pfn) ?? throw NoTable(pfn);
            ref var slot = ref HostMemory.Entry(table, PgLevel.Index(gfn, level));
            EptSpte entry;
            bool leaf;
            while (true)
            {
                entry = TdpIter<EptSpte>.ReadSpte(ref slot);
                if ((entry.Raw & EptSpte.VmxEptRwxMask) == 0)
                {
                    return Violation(gpa, level, entry, accessBit, 0, "entry not present");
                }

                // Bit 7 makes a large leaf only at 2M and 1G; the masks of that kind of entry
                // cover every misconfiguration rule, and any hit goes to the full verdict.
                var large = (entry.Raw & _largeBit[level]) != 0;
                var kind = Kind(level, large);
                leaf = level == PgLevel.Pg4K || large;
                if (((entry.Raw & _reserved[kind]) != 0 || ((_misconfiguredLow6[kind] >> (int)(entry.Raw & 0x3F)) & 1) != 0)
                    && Misconfiguration(entry, level) is { } reason)
                {
                    return new TdpWalkResult(TdpWalkOutcome.EptMisconfig, gpa, 0, level, entry.Raw, EptViolationQualification.None, PageFaultErrorCode.None, reason);
                }

                // The CPU sets the accessed flag of every entry it uses, with a locked update of the value it read.
                if ((entry.Raw & accessed) == accessed || SetBit(ref slot, entry, accessed))
                {
                    break;
                }
            }

            entry = EptSpte.FromRaw(entry.Raw | accessed);
            rwx &= entry.Raw & EptSpte.VmxEptRwxMask;
            if (!leaf)
            {
                pfn = entry.Pfn;
                continue;
            }

            if ((rwx & needed) == 0)
            {
                return Violation(gpa, level, entry, accessBit, rwx, "access not permitted");
            }

            if (access == GuestAccessKind.Write && accessed != 0 && !entry.AsLeaf.Dirty)
            {
                if (Pml is { IsFull: true })
                {
                    return new TdpWalkResult(TdpWalkOutcome.PmlFull, gpa, 0, level, entry.Raw, EptViolationQualification.None, PageFaultErrorCode.None, "page-modification log full");
                }

                if (SetDirty(ref slot, entry))
                {
                    Pml?.Log(gpa);
                }
            }

            var pageMask = (PgLevel.PagesPerHpage(level) << HostMemory.PageShift) - 1;
            var hpa = (entry.Pfn << HostMemory.PageShift) + (gpa & pageMask);
            return new TdpWalkResult(TdpWalkOutcome.Translated, gpa, hpa, level, entry.Raw, EptViolationQualification.None, PageFaultErrorCode.None, string.Empty);
        }
    }

    /// <summary>
    /// The reserved bits of an entry at <paramref name="level"/> (KVM's
    /// <c>__reset_rsvds_bits_mask_ept</c>): address bits at or above MAXPHYADDR everywhere;
    /// bits 3..7 in a PML5E/PML4E (the <see cref="EptSpte.NonLeaf"/> view's reserved bits);
    /// bits 3..6 in a non-leaf PDPTE/PDE; the frame bits below the page size in a large leaf.
    /// </summary>
    public ulong ReservedBits(EptSpte entry, int level)
    {
        var large = entry.AsLargeLeaf.LargePage;
        return level switch
        {
            >= PgLevel.Root4Level => _highReserved | EptSpte.NonLeaf.ReservedMask,
            PgLevel.Pg1G when large => _highReserved | GenMask.Ull(29, 12),
            PgLevel.Pg2M when large => _highReserved | GenMask.Ull(20, 12),
            PgLevel.Pg4K => _highReserved,
            _ => _highReserved | (EptSpte.NonLeaf.ReservedMask & ~EptSpte.LargeLeaf.LargePageMask),
        };
    }

    /// <summary>Why a present entry is an EPT misconfiguration, or null.</summary>
    private string? Misconfiguration(EptSpte entry, int level)
    {
        var xwr = entry.Raw & EptSpte.VmxEptRwxMask;
        if (entry.Writable && !entry.Readable)
        {
            return $"write without read (XWR = {Convert.ToString((long)xwr, 2).PadLeft(3, '0')})";
        }

        if (xwr == EptSpte.ExecutableMask && !Capabilities.ExecuteOnly)
        {
            return "execute-only entry without execute-only support";
        }

        var large = entry.AsLargeLeaf.LargePage;
        if ((level == PgLevel.Pg1G && large && !Capabilities.Supports1G) || (level == PgLevel.Pg2M && large && !Capabilities.Supports2M))
        {
            return "large page not supported at this level";
        }

        if ((entry.Raw & ReservedBits(entry, level)) is var reserved and not 0)
        {
            return $"reserved bits 0x{reserved:X} set";
        }

        var leaf = level == PgLevel.Pg4K || (level <= PgLevel.Pg1G && large);
        if (leaf && entry.AsLeaf.MemoryType is not (EptMemoryType.Uncacheable or EptMemoryType.WriteCombining or EptMemoryType.WriteThrough or EptMemoryType.WriteProtected or EptMemoryType.WriteBack))
        {
            return $"reserved memory type {(int)entry.AsLeaf.MemoryType}";
        }

        return null;
    }

    /// <summary>
    /// An EPT violation: a #VE if it is convertible (the control is on, the deciding entry's
    /// suppress-#VE bit is clear) and the information area is free; otherwise an exit.
    /// </summary>
    private TdpWalkResult Violation(ulong gpa, int level, EptSpte entry, EptViolationQualification accessBit, ulong rwx, string reason)
    {
        var qualification = accessBit | (EptViolationQualification)(rwx << 3)
            | EptViolationQualification.GvaIsValid | EptViolationQualification.GvaTranslated;
        var outcome = VeInfo is not null && !entry.SuppressVe && VeInfo.TryDeliver(qualification, gpa)
            ? TdpWalkOutcome.VirtualizationException
            : TdpWalkOutcome.EptViolation;
        return new TdpWalkResult(outcome, gpa, 0, level, entry.Raw, qualification, PageFaultErrorCode.None, reason);
    }

    /// <summary>Sets the dirty flag of the leaf used for a write, unless another update replaced the entry or set it meanwhile.</summary>
    /// <returns>Whether this walk set it (a write PML logs).</returns>
    private static bool SetDirty(ref EptSpte slot, EptSpte used)
    {
        while (true)
        {
            var current = TdpIter<EptSpte>.ReadSpte(ref slot);
            if (current.Pfn != used.Pfn || (current.Raw & EptSpte.VmxEptRwxMask) == 0 || current.AsLeaf.Dirty)
            {
                return false;
            }

            if (SetBit(ref slot, current, EptSpte.Leaf.DirtyMask))
            {
                return true;
            }
        }
    }

    private static bool SetBit(ref EptSpte slot, EptSpte seen, ulong bit) =>
        Interlocked.CompareExchange(ref Unsafe.As<EptSpte, ulong>(ref slot), seen.Raw | bit, seen.Raw) == seen.Raw;

    /// <summary>The index into the per-kind masks: a level's table entry or 4K leaf, or its large leaf.</summary>
    private static int Kind(int level, bool large) => (level << 1) | (large ? 1 : 0);

    /// <summary>Out of line so the walk loop carries no message formatting.</summary>
    private static InvalidOperationException NoTable(ulong pfn) =>
        new($"The CPU walked into host frame 0x{pfn:X}, which holds no page table (a table was freed while still linked).");


    /// <summary>One word per <see cref="Kind"/>.</summary>
    [InlineArray(2 * (PgLevel.Root5Level + 1))]
    private struct KindWords
    {
        private ulong _kind0;
    }
}

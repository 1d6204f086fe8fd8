using System.Collections.Generic;
using System.Linq;
using System;
using Spte.Runtime.Formats;
using Spte.Runtime.Hardware;
using Spte.Runtime.Kernel;
using Spte.Runtime.Memory;
using Spte.Runtime.Memslots;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Paging;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.Mmu.Tdp;
using Spte.Runtime.X86;

namespace Spte.Runtime;

/// <summary>A VM whose TDP tables use format <typeparamref name="T"/> (EPT on Intel, NPT on AMD).</summary>
/// <typeparam name="T">The entry format.</typeparam>
public sealed partial class KvmVm<T> : KvmVm
    where T : struct, IKvmSpte<T>
{
    private readonly Func<VeInformationArea?, ITdpWalker> _walkerFactory;
    private readonly object _slotsLock = new();
    private readonly List<KvmVcpu<T>> _vcpus = [];

    internal KvmVm(Kvm kvm, KvmVmType type, int guestMaxPhyAddr, KvmMmuOptions options, Func<VeInformationArea?, ITdpWalker> walkerFactory)
        : base(kvm, type, guestMaxPhyAddr)
    {
        _walkerFactory = walkerFactory;
        Mmu = new KvmMmu<T>(kvm.Memory, Memslots, options);
        GuestWalker = new GuestWalker(kvm.Memory, Memslots, guestMaxPhyAddr);
    }

    /// <inheritdoc/>
    public override int RootLevel => Mmu.Options.RootLevel;

    /// <summary>How this VM's MMIO SPTEs look (KVM's <c>shadow_mmio_value</c> and <c>shadow_mmio_mask</c>).</summary>
    public MmioSpteMask MmioMask => Mmu.Options.Mmio;

    /// <summary>The MMU (mmu.c and, below it, tdp_mmu.c).</summary>
    internal KvmMmu<T> Mmu { get; }

    /// <summary>The walker of the guest's own page tables, for shadow paging.</summary>
    internal GuestWalker GuestWalker { get; }

    /// <summary>Whether the MMU shadows the guest's page tables (<c>ept=N</c>/<c>npt=N</c>).</summary>
    internal bool ShadowPaging => Mmu.Options.ShadowPaging;

    /// <inheritdoc/>
    internal override bool Bugged => Mmu.Bugged;

    /// <inheritdoc/>
    public override StatCounters<MmuStat> MmuStats => Mmu.Stats;

    /// <inheritdoc/>
    public override IReadOnlyList<KvmVcpu> Vcpus
    {
        get
        {
            lock (_vcpus)
            {
                return [.. _vcpus];
            }
        }
    }

    /// <inheritdoc/>
    public override void SetUserMemoryRegion(uint slot, ulong guestPhysAddr, ulong memorySize, KvmMemFlags flags = KvmMemFlags.None) =>
        ChangeMemoryRegion(slot, guestPhysAddr, memorySize, flags, null);

    /// <inheritdoc/>
    private protected override void ChangeMemoryRegion(uint slot, ulong guestPhysAddr, ulong memorySize, KvmMemFlags flags, (GuestRamBacking Backing, ulong Offset)? memory)
    {
        ThrowIfBugged();
        lock (_slotsLock)
        {
            var change = Memslots.Prepare(slot, guestPhysAddr, memorySize, flags, readOnlyAllowed: Type != KvmVmType.Tdx, Mmu.MaxGfn, Kvm.Memory, memory);
            if (change is null)
            {
                return;
            }

            // kvm_prepare_memory_region: a slot that starts logging gets a fresh bitmap, all set
            // under KVM_DIRTY_LOG_INITIALLY_SET (a move keeps the old one).
            if (InitiallySet && change.New is { DirtyLogging: true } logging && change.Old is not { DirtyLogging: true })
            {
                logging.SetAllDirty();
            }

            var generation = Memslots.Commit(change);
            switch (change.Change)
            {
                case KvmMrChange.Delete:
                    FlushShadowMemslot(change.Old!);
                    if (change.Old!.Backing.OwnedBySlot)
                    {
                        // The flush dropped every mapping of it, so its frames can back the next slot.
                        Kvm.Memory.ReleaseGuestRam(change.Old.Backing.FirstPfn, change.Old.Backing.Pages);
                    }

                    break;
                case KvmMrChange.Move:
                    FlushShadowMemslot(change.Old!);
                    break;
                case KvmMrChange.FlagsOnly:
                    ApplyFlags(change.Old!, change.New!);
                    break;
            }

            if (Type == KvmVmType.Tdx && change.New is { } created && change.Change is KvmMrChange.Create or KvmMrChange.Move)
            {
                Mmu.ZapMmioSptes(created.AsId, created.BaseGfn, created.EndGfn);
            }

            // kvm_arch_memslots_updated: a wrapped MMIO generation would make old MMIO SPTEs look current.
            if ((generation & KvmMemslots.MmioSpteGenMask) == 0)
            {
                Mmu.ZapAllFast();
            }
        }
    }

    /// <inheritdoc/>
    public override KvmVcpu CreateVcpu(int id)
    {
        ThrowIfBugged();
        lock (_vcpus)
        {
            if (_vcpus.Any(v => v.Id == id))
            {
                throw new KvmException(KvmErrno.EEXIST, $"vCPU {id} exists.");
            }

            var ve = Type == KvmVmType.Tdx || (Kvm.ModuleParams.ProveVe && !ShadowPaging) ? new VeInformationArea() : null;
            var vcpu = new KvmVcpu<T>(this, id, _walkerFactory(ve), ve);
            _vcpus.Add(vcpu);
            return vcpu;
        }
    }

    /// <inheritdoc/>
    public override void UnmapGuestRange(ulong gpa, ulong size)
    {
        ThrowIfBugged();
        Mmu.UnmapGfnRange(0, gpa >> HostMemory.PageShift, (gpa + size + HostMemory.PageSize - 1) >> HostMemory.PageShift);
    }

    /// <inheritdoc/>
    public override int RecoverNxHugePages()
    {
        ThrowIfBugged();
        return Kvm.ModuleParams.NxHugePages ? Mmu.RecoverNxHugePages(Kvm.ModuleParams.NxHugePagesRecoveryRatio) : 0;
    }

    /// <inheritdoc/>
    public override bool AgeGuestRange(ulong gpa, ulong size)
    {
        ThrowIfBugged();
        return Mmu.AgeGfnRange(0, gpa >> HostMemory.PageShift, (gpa + size + HostMemory.PageSize - 1) >> HostMemory.PageShift);
    }

    /// <inheritdoc/>
    public override void ReplaceHostPage(ulong gpa, bool shareReadOnly)
    {
        ThrowIfBugged();
        var gfn = gpa >> HostMemory.PageShift;
        var slot = Memslots.GfnToMemslot(0, gfn) ?? throw new KvmException(KvmErrno.EFAULT, $"GPA 0x{gpa:X} has no memslot.");
        slot.Backing.ReplacePage(slot.BackingIndex(gfn), shareReadOnly);
    }

    /// <inheritdoc/>
    public override MmuInvariantReport CheckInvariants()
    {
        ThrowIfBugged();
        List<MemoryCache<T>> caches;
        lock (_vcpus)
        {
            caches = [.. _vcpus.Select(static v => v.Cache)];
        }

        return Mmu.CheckInvariants(caches);
    }

    /// <summary>A description of <paramref name="spte"/> at <paramref name="level"/> that names an MMIO SPTE of this VM as one.</summary>
    public string DescribeSpte(T spte, int level) => spte.Describe(level, MmioMask.IsMmioSpte(spte.Raw));

    /// <summary>
    /// KVM's <c>kvm_arch_flush_shadow_memslot</c> for a deleted or moved slot. An ordinary VM
    /// zaps everything with the fast zap (KVM's default, <c>KVM_X86_QUIRK_SLOT_ZAP_ALL</c>); a TD
    /// zaps only the slot's leafs (the quirk is off for TDs).
    /// </summary>
    private void FlushShadowMemslot(KvmMemorySlot old)
    {
        if (Type == KvmVmType.Tdx)
        {
            Mmu.ZapGfnRange(old.AsId, old.BaseGfn, old.EndGfn);
        }
        else
        {
            Mmu.ZapAllFast();
        }

        Mmu.FreeMemslot(old);
    }

    /// <summary>
    /// KVM's <c>kvm_mmu_slot_apply_flags</c>: turning dirty logging on splits the slot's huge
    /// pages (<c>eager_page_split</c>) and write-protects the slot — at 4K without PML; with PML
    /// the 4K leafs stay writable with their dirty flags cleared, for the CPU to log the next
    /// write, and only large leafs are write-protected — except under <c>KVM_DIRTY_LOG_INITIALLY_SET</c>, where every page
    /// counts as dirty already and large leafs stay until <c>KVM_CLEAR_DIRTY_LOG</c> reaches
    /// them; turning it off zaps the tables that can be collapsed back into large pages.
    /// </summary>
    private void ApplyFlags(KvmMemorySlot old, KvmMemorySlot @new)
    {
        if (!old.DirtyLogging && @new.DirtyLogging)
        {
            if (InitiallySet)
            {
                return;
            }

            if (Mmu.Options.EagerPageSplit)
            {
                Mmu.SlotTrySplitHugePages(@new, PgLevel.Pg4K);
            }

            if (Mmu.Options.Pml)
            {
                Mmu.SlotLeafClearDirty(@new);
                Mmu.WrprotSlot(@new, PgLevel.Pg2M);
            }
            else
            {
                Mmu.WrprotSlot(@new, PgLevel.Pg4K);
            }
        }
        else if (old.DirtyLogging && !@new.DirtyLogging)
        {
            Mmu.ZapCollapsibleSptes(@new);
        }
    }
}

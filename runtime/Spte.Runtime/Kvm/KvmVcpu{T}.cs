using System.Buffers.Binary;
using System;
using Spte.Runtime.Formats;
using Spte.Runtime.Hardware;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.Mmu.Tdp;
using Spte.Runtime.X86;

namespace Spte.Runtime;

/// <summary>
/// A vCPU over format <typeparamref name="T"/>: each guest access (split at page boundaries,
/// as KVM's emulator splits MMIO fragments) is walked by the simulated CPU; exits go to the
/// TDP MMU's fault handler; what must be emulated is emulated against RAM or handed to
/// userspace; a TD's #VE is handled by a model of the TD guest's handler.
/// </summary>
/// <typeparam name="T">The entry format.</typeparam>
public sealed class KvmVcpu<T> : KvmVcpu
    where T : struct, IKvmSpte<T>
{
    /// <summary>Guest entries without progress after which the vCPU gives up (a livelock is a bug in the model).</summary>
    private const int MaxEntriesPerAccess = 64;

    private readonly KvmVm<T> _vm;
    private readonly ITdpWalker _walker;
    private GuestAccess? _current;
    private int _done;
    private ulong _value;
    private bool _pendingMmio;
    private bool _dead;

    internal KvmVcpu(KvmVm<T> vm, int id, ITdpWalker walker, VeInformationArea? veInfo)
        : base(vm, id, veInfo)
    {
        _vm = vm;
        _walker = walker;
        Cache = new MemoryCache<T>(vm.Kvm.Memory);
    }

    /// <summary>The vCPU's page-table page cache (<c>mmu_shadow_page_cache</c>).</summary>
    public MemoryCache<T> Cache { get; }

    /// <summary>The root the vCPU runs on (<c>mmu-&gt;root</c>), once loaded.</summary>
    public KvmMmuPage<T>? Root { get; private set; }

    private TdpMmu<T> Mmu => _vm.Mmu;

    private bool IsTd => _vm.Type == KvmVmType.Tdx;

    /// <inheritdoc/>
    public override KvmExitReason Run()
    {
        if (_dead)
        {
            throw new InvalidOperationException($"vCPU {Id}: the TD reported a fatal error and cannot run.");
        }

        if (_pendingMmio)
        {
            CompleteMmio();
        }

        while (true)
        {
            if (_current is null)
            {
                if (!Guest.TryDequeue(out var next))
                {
                    Stats.Increment(VcpuStat.HaltExits);
                    Record(VcpuEventKind.Halt, 0, "the guest has no access left");
                    return Exit(KvmExitReason.Hlt);
                }

                _current = next;
                _done = 0;
                _value = 0;
                Record(VcpuEventKind.Access, next.Gpa, next.ToString());
            }

            if (Step() is { } exit)
            {
                return exit;
            }
        }
    }

    /// <summary>Runs the current part of the current access until it completes (null) or userspace must act.</summary>
    private KvmExitReason? Step()
    {
        var access = _current!;
        var gpa = access.Gpa + (ulong)_done;
        var size = (int)Math.Min((ulong)(access.Size - _done), HostMemory.PageSize - (gpa & (HostMemory.PageSize - 1)));
        for (var entries = 0; entries < MaxEntriesPerAccess; entries++)
        {
            LoadRoot();
            TdpWalkResult walk;
            using (Mmu.Rcu.ReadLock())
            {
                // Guest mode: the CPU walks the tables inside the read-side section, so no table it may read is freed under it.
                walk = _walker.Walk(Root!.Pfn, Root.Level, gpa, access.Kind);
                if (walk.Outcome == TdpWalkOutcome.Translated)
                {
                    AccessRam(walk.Hpa, size);
                }
            }

            switch (walk.Outcome)
            {
                case TdpWalkOutcome.Translated:
                    Record(VcpuEventKind.Translated, gpa, $"{size} bytes at host 0x{walk.Hpa:X} through a {PgLevel.Name(walk.Level)} leaf");
                    Advance(size);
                    return null;

                case TdpWalkOutcome.VirtualizationException:
                    Stats.Increment(VcpuStat.VirtualizationExceptions);
                    Record(VcpuEventKind.VirtualizationException, gpa, $"#VE in the guest (level {walk.Level} entry {Describe(walk.Entry, walk.Level)} has suppress-#VE clear; qualification 0x{(ulong)walk.Qualification:X})");
                    return HandleVeInGuest(gpa, size);
            }

            var result = ExitToKvm(walk, gpa);
            if (result != PageFaultResult.Emulate)
            {
                continue;
            }

            if (IsTd)
            {
                // KVM cannot decode a TD's instructions; the next access to an MMIO SPTE is a #VE.
                Record(VcpuEventKind.Resumed, gpa, "TD: nothing to emulate in the host, resume the guest");
                continue;
            }

            return Emulate(gpa, size);
        }

        throw new InvalidOperationException($"vCPU {Id} made no progress on {access} after {MaxEntriesPerAccess} guest entries.");
    }

    /// <summary>A VM exit to KVM: the exit handler turns it into a page fault (<c>handle_ept_violation</c>, <c>handle_ept_misconfig</c>, <c>npf_interception</c>).</summary>
    private PageFaultResult ExitToKvm(TdpWalkResult walk, ulong gpa)
    {
        Stats.Increment(VcpuStat.Exits);
        PageFaultErrorCode error;
        switch (walk.Outcome)
        {
            case TdpWalkOutcome.EptViolation:
                Stats.Increment(VcpuStat.EptViolations);
                Record(VcpuEventKind.EptViolation, gpa, $"exit to KVM: {walk.Reason} at level {walk.Level}, entry {Describe(walk.Entry, walk.Level)}, qualification 0x{(ulong)walk.Qualification:X}");
                error = EptViolationErrorCode(walk.Qualification);
                break;
            case TdpWalkOutcome.EptMisconfig:
                Stats.Increment(VcpuStat.EptMisconfigs);
                Record(VcpuEventKind.EptMisconfig, gpa, $"exit to KVM: {walk.Reason} at level {walk.Level}, entry {Describe(walk.Entry, walk.Level)}");
                error = PageFaultErrorCode.Rsvd;
                break;
            default:
                Stats.Increment(VcpuStat.NestedPageFaults);
                Record(VcpuEventKind.NestedPageFault, gpa, $"exit to KVM: {walk.Reason} at level {walk.Level}, error code 0x{(ulong)walk.ErrorCode:X} ({walk.ErrorCode})");
                error = walk.ErrorCode;
                break;
        }

        var result = Mmu.PageFault(Root!, gpa, error, Cache);
        if (RecordEvents)
        {
            var (level, spte) = Mmu.GetWalk(Root!, gpa)[^1];
            Record(VcpuEventKind.KvmFault, gpa, $"{result}: level {level} ({PgLevel.Name(level)}) SPTE {Describe(spte.Raw, level)}");
        }

        return result;
    }

    /// <summary>KVM's <c>__vmx_handle_ept_violation</c>: the page-fault error code an EPT violation's qualification stands for.</summary>
    private static PageFaultErrorCode EptViolationErrorCode(EptViolationQualification q)
    {
        var error = PageFaultErrorCode.None;
        if ((q & EptViolationQualification.AccRead) != 0)
        {
            error |= PageFaultErrorCode.User;
        }

        if ((q & EptViolationQualification.AccWrite) != 0)
        {
            error |= PageFaultErrorCode.Write;
        }

        if ((q & EptViolationQualification.AccInstr) != 0)
        {
            error |= PageFaultErrorCode.Fetch;
        }

        if ((q & (EptViolationQualification.Readable | EptViolationQualification.Writable | EptViolationQualification.Executable)) != 0)
        {
            error |= PageFaultErrorCode.Present;
        }

        return error | ((q & EptViolationQualification.GvaTranslated) != 0 ? PageFaultErrorCode.GuestFinal : PageFaultErrorCode.GuestPage);
    }

    /// <summary>
    /// KVM's emulator (<c>x86_emulate_instruction</c> → <c>emulator_read_write</c>): RAM is
    /// accessed directly (a read-only slot's pages can be read); anything else is MMIO and exits
    /// to userspace. An instruction fetch from MMIO cannot be emulated.
    /// </summary>
    private KvmExitReason? Emulate(ulong gpa, int size)
    {
        Stats.Increment(VcpuStat.Emulations);
        var kind = _current!.Kind;
        var gfn = gpa >> HostMemory.PageShift;
        var slot = _vm.Memslots.GfnToMemslot(AsId, gfn);
        if (slot is not null && !(kind == GuestAccessKind.Write && slot.IsReadOnly))
        {
            AccessRam((slot.HostPteOf(gfn).Pfn << HostMemory.PageShift) + (gpa & (HostMemory.PageSize - 1)), size);
            Record(VcpuEventKind.Emulated, gpa, $"KVM emulated the {kind.ToString().ToLowerInvariant()} against {slot}");
            Advance(size);
            return null;
        }

        if (kind == GuestAccessKind.Fetch)
        {
            RunData.InternalError = $"instruction fetch from MMIO at GPA 0x{gpa:X} cannot be emulated";
            Record(VcpuEventKind.InternalError, gpa, RunData.InternalError);
            return Exit(KvmExitReason.InternalError);
        }

        return MmioExit(gpa, size, slot is null ? "MMIO" : $"write to read-only {slot}");
    }

    /// <summary>
    /// The TD guest's #VE handler (Linux's <c>virt_exception_kernel</c> → <c>handle_mmio</c>):
    /// read the #VE information (<c>TDG.VP.VEINFO.GET</c>, which frees the area), then ask the
    /// host to do the access (<c>TDG.VP.VMCALL&lt;#VE.RequestMMIO&gt;</c>). KVM's
    /// <c>tdx_emulate_mmio</c> refuses a GPA that has a memslot; the guest cannot complete the
    /// instruction and reports a fatal error.
    /// </summary>
    private KvmExitReason? HandleVeInGuest(ulong gpa, int size)
    {
        var (_, _, veGpa) = VeInfo!.Get();
        var kind = _current!.Kind;
        Stats.Increment(VcpuStat.Exits);
        Stats.Increment(VcpuStat.TdVmCalls);
        Record(VcpuEventKind.TdVmCallMmio, veGpa, $"guest #VE handler: TDG.VP.VMCALL<#VE.RequestMMIO> {kind.ToString().ToLowerInvariant()} {size} bytes");
        if (kind == GuestAccessKind.Fetch)
        {
            return Fatal(gpa, "the #VE handler cannot emulate an instruction fetch");
        }

        if (_vm.Memslots.GfnToMemslot(AsId, gpa >> HostMemory.PageShift) is { } slot)
        {
            Record(VcpuEventKind.TdVmCallRejected, gpa, $"KVM (tdx_emulate_mmio): GPA is RAM in {slot}, not MMIO -> TDVMCALL_STATUS_INVALID_OPERAND");
            return Fatal(gpa, "MMIO hypercall refused for a #VE on RAM: the guest panics (TDG.VP.VMCALL<ReportFatalError>)");
        }

        return MmioExit(gpa, size, "MMIO requested by the TD");
    }

    private KvmExitReason MmioExit(ulong gpa, int size, string why)
    {
        var isWrite = _current!.Kind == GuestAccessKind.Write;
        var value = isWrite ? PartOfValue(_current.Value, _done, size) : 0;
        RunData.Mmio.Set(gpa, size, isWrite, value);
        _pendingMmio = true;
        Stats.Increment(VcpuStat.MmioExits);
        Record(VcpuEventKind.MmioExit, gpa, $"KVM_EXIT_MMIO ({why}): {(isWrite ? "write" : "read")} {size} bytes{(isWrite ? $" = 0x{value:X}" : string.Empty)}");
        return Exit(KvmExitReason.Mmio);
    }

    private void CompleteMmio()
    {
        _pendingMmio = false;
        var mmio = RunData.Mmio;
        if (!mmio.IsWrite)
        {
            _value |= PartOfValue(mmio.Value, 0, mmio.Len) << (8 * _done);
        }

        Record(VcpuEventKind.MmioCompleted, mmio.PhysAddr, mmio.IsWrite ? "userspace handled the write" : $"userspace returned 0x{PartOfValue(mmio.Value, 0, mmio.Len):X}");
        Advance(mmio.Len);
    }

    private KvmExitReason Fatal(ulong gpa, string reason)
    {
        _dead = true;
        Stats.Increment(VcpuStat.SystemEvents);
        RunData.SystemEventType = KvmSystemEventType.TdxFatal;
        Record(VcpuEventKind.FatalError, gpa, reason);
        return Exit(KvmExitReason.SystemEvent);
    }

    private KvmExitReason Exit(KvmExitReason reason)
    {
        RunData.ExitReason = reason;
        return reason;
    }

    /// <summary><c>kvm_mmu_reload</c>: load a root, or a fresh one when the current one was invalidated or the address space changed.</summary>
    private void LoadRoot()
    {
        if (Root is { } root && !TdpMmu<T>.IsObsoleteRoot(root) && root.AsId == AsId)
        {
            return;
        }

        if (Root is not null)
        {
            Mmu.PutRoot(Root);
        }

        Root = Mmu.GetRoot(AsId, Cache);
        Stats.Increment(VcpuStat.RootLoads);
        Record(VcpuEventKind.RootLoaded, 0, Root.ToString());
    }

    private void AccessRam(ulong hpa, int size)
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        bytes.Clear();
        if (_current!.Kind == GuestAccessKind.Write)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, PartOfValue(_current.Value, _done, size));
            _vm.Kvm.Memory.Write(hpa, bytes[..size]);
        }
        else
        {
            _vm.Kvm.Memory.Read(hpa, bytes[..size]);
            _value |= BinaryPrimitives.ReadUInt64LittleEndian(bytes) << (8 * _done);
        }
    }

    private void Advance(int size)
    {
        _done += size;
        if (_done < _current!.Size)
        {
            return;
        }

        Stats.Increment(VcpuStat.GuestAccesses);
        AddCompleted(new GuestAccessResult(_current, _current.Kind == GuestAccessKind.Write ? 0 : _value));
        _current = null;
    }

    private string Describe(ulong raw, int level) => T.FromRaw(raw).Describe(level, Mmu.Options.Mmio.IsMmioSpte(raw));

    /// <summary>Bytes [<paramref name="offset"/>, +<paramref name="size"/>) of a little-endian value.</summary>
    private static ulong PartOfValue(ulong value, int offset, int size) =>
        (value >> (8 * offset)) & (size == sizeof(ulong) ? ulong.MaxValue : (1UL << (8 * size)) - 1);
}

using System.Buffers.Binary;
using System;
using System.Collections.Generic;
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
public sealed partial class KvmVcpu<T> : KvmVcpu
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
        VcpuMmu = new VcpuMmu<T>(vm.Mmu, vm.GuestWalker);
    }

    /// <summary>The vCPU's MMU context (<c>vcpu-&gt;arch.mmu</c>) and page cache.</summary>
    internal VcpuMmu<T> VcpuMmu { get; }

    /// <summary>The vCPU's page-table page cache (<c>mmu_shadow_page_cache</c>).</summary>
    internal MemoryCache<T> Cache => VcpuMmu.Cache;

    /// <summary>The root the vCPU runs on (<c>mmu-&gt;root</c>), once loaded.</summary>
    internal KvmMmuPage<T>? Root => VcpuMmu.Root;

    private KvmMmu<T> Mmu => _vm.Mmu;

    private bool IsTd => _vm.Type == KvmVmType.Tdx;

    /// <inheritdoc/>
    public override KvmExitReason Run()
    {
        _vm.ThrowIfBugged();
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

                Record(VcpuEventKind.Access, next.Gpa, next.ToString());
                if (next.Kind is GuestAccessKind.Invlpg or GuestAccessKind.MovToCr3)
                {
                    GuestTlbFlush(next);
                    continue;
                }

                _current = next;
                _done = 0;
                _value = 0;
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
            if (!VcpuMmu.Direct && gpa >= CanonicalLimit)
            {
                return Shutdown(gpa, "#GP: non-canonical address");
            }

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
                    if (!IsTd)
                    {
                        // CONFIG_KVM_INTEL_PROVE_VE: handle_exception_nmi intercepts it, WARNs and resumes.
                        Record(VcpuEventKind.UnexpectedVe, gpa, $"KVM: unexpected #VE (PROVE_VE WARN): SPTE {Describe(walk.Entry, walk.Level)} at level {walk.Level} is non-present without suppress-#VE");
                        continue;
                    }

                    return HandleVeInGuest(gpa, size);

                case TdpWalkOutcome.PmlFull:
                    // handle_pml_full: the exit itself emptied the log; the write runs again.
                    Stats.Increment(VcpuStat.PmlFullExits);
                    FlushPml();
                    continue;
            }

            FlushPml();
            var result = ExitToKvm(walk, gpa, out var translated);
            if (result == PageFaultResult.GuestFault)
            {
                return Shutdown(gpa, "#PF raised by the guest's own page tables, and the guest has no IDT");
            }

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

            return Emulate(translated, size);
        }

        throw Mmu.KvmBug($"vCPU {Id} made no progress on {access} after {MaxEntriesPerAccess} guest entries.");
    }

    /// <summary>
    /// KVM's <c>vmx_flush_pml_buffer</c>, run at every VM exit: each page the CPU logged is
    /// marked dirty in its slot, so a dirty-log read after any exit sees every write before it.
    /// </summary>
    private void FlushPml()
    {
        if (_walker.Pml is not { } pml)
        {
            return;
        }

        foreach (var gfn in pml.Flush())
        {
            Mmu.Memslots.GfnToMemslot(Root!.AsId, gfn)?.MarkPageDirty(gfn);
        }
    }

    private KvmExitReason Exit(KvmExitReason reason)
    {
        FlushPml();
        RunData.ExitReason = reason;
        return reason;
    }

    /// <summary>
    /// The SPTEs on the path to <paramref name="gpa"/> from the root this vCPU runs on, root
    /// first, down to the last one read (<c>kvm_tdp_mmu_get_walk</c>); empty before the vCPU
    /// first ran. Under shadow paging with guest paging on, the address is guest-virtual. A
    /// read-only view: the entries are copies.
    /// </summary>
    public IReadOnlyList<(int Level, T Spte)> WalkSptes(ulong gpa)
    {
        _vm.ThrowIfBugged();
        return VcpuMmu.Walk(gpa);
    }

    /// <summary>
    /// A test seam for bug injection: stores <paramref name="value"/> into the last SPTE of the
    /// walk to <paramref name="gpa"/>, bypassing all of the MMU's bookkeeping, as a buggy zap path
    /// would (the 2022 review's finding). The next access shows what the hardware does with it.
    /// </summary>
    /// <returns>The SPTE it replaced.</returns>
    /// <exception cref="KvmException">EINVAL: the vCPU has not run, so it has no root.</exception>
    public T InjectSpte(ulong gpa, T value)
    {
        _vm.ThrowIfBugged();
        var root = Root ?? throw new KvmException(KvmErrno.EINVAL, $"vCPU {Id} has no root yet; run it first.");
        var walk = Mmu.GetWalk(root, gpa);
        var table = walk.Count == 1 ? root : Mmu.PageOf(walk[^2].Spte.Pfn)!;
        ref var sptep = ref table.Spt[PgLevel.Index(gpa >> HostMemory.PageShift, walk[^1].Level)];
        var old = sptep;
        sptep = value;
        return old;
    }

    /// <summary><c>kvm_mmu_reload</c>: load a root, or a fresh one when the current one was invalidated or the address space changed.</summary>
    private void LoadRoot()
    {
        if (VcpuMmu.Reload(AsId, _sregs))
        {
            Stats.Increment(VcpuStat.RootLoads);
            Record(VcpuEventKind.RootLoaded, 0, Root!.ToString());

            // kvm_mmu_load syncs the unsync pages under a shadow root it loads.
            VcpuMmu.SyncRoots(_sregs);
        }
    }

    /// <summary>A VM exit to KVM: the vendor's exit handler turns it into a page fault for the MMU, which traces the SPTE it left.</summary>
    private PageFaultResult ExitToKvm(TdpWalkResult walk, ulong gpa, out ulong translated)
    {
        Stats.Increment(VcpuStat.Exits);
        var error = walk.Outcome switch
        {
            _ when _vm.ShadowPaging => PageFaultIntercept(walk, gpa),
            TdpWalkOutcome.EptViolation => HandleEptViolation(walk, gpa),
            TdpWalkOutcome.EptMisconfig => HandleEptMisconfig(walk, gpa),
            _ => NpfInterception(walk, gpa),
        };
        var result = VcpuMmu.PageFault(gpa, error, _sregs, out var trace, out translated);
        if (RecordEvents)
        {
            Record(VcpuEventKind.KvmFault, gpa, trace.Level == 0
                ? $"{result}: no SPTE touched"
                : $"{result}: level {trace.Level} ({PgLevel.Name(trace.Level)}) SPTE {Describe(trace.Spte, trace.Level)}");
        }

        return result;
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

    private string Describe(ulong raw, int level) => _vm.DescribeSpte(T.FromRaw(raw), level);
}

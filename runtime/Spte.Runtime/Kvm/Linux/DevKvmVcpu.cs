using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Spte.Runtime.Hardware;

namespace Spte.Runtime.Linux;

/// <summary>
/// A vCPU on the real KVM. <see cref="Run"/> writes the queued accesses as code into the
/// runner's slot (at most <see cref="RunnerLayout.MaxChunk"/> at a time) and issues
/// <c>KVM_RUN</c> until an exit the VMM must see; the exits the backend makes for itself
/// (asking for the next chunk) are not shown.
/// </summary>
internal sealed unsafe class DevKvmVcpu : IKvmVcpu, IDisposable
{
    private readonly DevKvmVm _vm;
    private readonly Fd _fd;
    private readonly HostMapping _run;
    private readonly List<GuestAccessResult> _completed = [];
    private readonly List<GuestAccess> _chunk = [];
    private int _reported;
    private bool _needCode = true;
    private bool _pendingMmio;

    internal DevKvmVcpu(DevKvmVm vm, int id, Fd fd, DevKvm kvm)
    {
        _vm = vm;
        _fd = fd;
        Id = id;
        Guest = new GuestProgram(kvm.GuestMaxPhyAddr, GuestCode.Check);
        _run = HostMapping.Shared(fd, (ulong)kvm.VcpuMmapSize);
        try
        {
            var cpuid = kvm.SupportedCpuid();
            _fd.Ioctl(KvmIoctl.SetCpuid2, cpuid, "KVM_SET_CPUID2");
            EnterLongMode();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public int Id { get; }

    /// <inheritdoc/>
    public GuestProgram Guest { get; }

    /// <inheritdoc/>
    public KvmRun RunData { get; } = new();

    /// <inheritdoc/>
    public IReadOnlyList<GuestAccessResult> Completed => _completed;

    /// <summary>The longest one <see cref="Run"/> may keep the vCPU in <c>KVM_RUN</c> before the watchdog kicks it out.</summary>
    internal TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <inheritdoc/>
    /// <exception cref="TimeoutException">The guest ran past <see cref="Timeout"/> without an exit the VMM must see.</exception>
    public KvmExitReason Run()
    {
        using var watchdog = new VcpuWatchdog(_run, Timeout);
        try
        {
            return RunGuarded(watchdog);
        }
        finally
        {
            watchdog.Stop();
        }
    }

    private KvmExitReason RunGuarded(VcpuWatchdog watchdog)
    {
        if (_pendingMmio)
        {
            _pendingMmio = false;
            if (!RunData.Mmio.IsWrite)
            {
                RunData.Mmio.Data.CopyTo(RunBytes(KvmLayout.RunMmioData, 8));
            }
        }

        while (true)
        {
            if (_needCode)
            {
                LoadChunk();
            }

            if (LibC.Ioctl(_fd.Number, KvmIoctl.Run, 0) < 0)
            {
                if (Errno.Last == LibC.EIntr)
                {
                    // A signal for the runtime itself (its GC suspends threads so) is retried; the watchdog's kick is not.
                    if (watchdog.Fired)
                    {
                        throw new TimeoutException($"vCPU {Id}: the guest ran for {Timeout.TotalSeconds} s without an exit the VMM must see; the watchdog kicked it out of KVM_RUN.");
                    }

                    continue;
                }

                throw Errno.Exception($"KVM_RUN on vCPU {Id}");
            }

            var reason = BinaryPrimitives.ReadUInt32LittleEndian(RunBytes(KvmLayout.RunExitReason, 4));
            ReportCompleted();
            switch (reason)
            {
                case KvmIoctl.ExitIo when RunBytes(KvmLayout.RunIoPort, 1)[0] == RunnerLayout.MorePort:
                    _needCode = true;
                    continue;
                case KvmIoctl.ExitHlt:
                    _needCode = true;
                    return Exit(KvmExitReason.Hlt);
                case KvmIoctl.ExitMmio:
                    var len = (int)BinaryPrimitives.ReadUInt32LittleEndian(RunBytes(KvmLayout.RunMmioLen, 4));
                    var isWrite = RunBytes(KvmLayout.RunMmioIsWrite, 1)[0] != 0;
                    // Only len bytes of data are the access's; KVM leaves the rest as it was.
                    var data = BinaryPrimitives.ReadUInt64LittleEndian(RunBytes(KvmLayout.RunMmioData, 8)) & (len >= 8 ? ulong.MaxValue : (1UL << (8 * len)) - 1);
                    RunData.Mmio.Set(BinaryPrimitives.ReadUInt64LittleEndian(RunBytes(KvmLayout.RunMmioPhysAddr, 8)), len, isWrite, data);
                    _pendingMmio = true;
                    return Exit(KvmExitReason.Mmio);
                case KvmIoctl.ExitInternalError:
                    RunData.InternalError = $"KVM_EXIT_INTERNAL_ERROR, suberror {BinaryPrimitives.ReadUInt32LittleEndian(RunBytes(KvmLayout.RunInternalSuberror, 4))}";
                    return Exit(KvmExitReason.InternalError);
                case KvmIoctl.ExitShutdown:
                    return Exit(KvmExitReason.Shutdown);
                default:
                    throw new InvalidOperationException($"vCPU {Id}: KVM exit {reason}, which the real backend's guest never causes on purpose.");
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _run.Dispose();
        _fd.Dispose();
    }

    private KvmExitReason Exit(KvmExitReason reason)
    {
        RunData.ExitReason = reason;
        return reason;
    }

    /// <summary>
    /// Long mode over the backend's identity map: flat segments (a 64-bit code segment), CR0.PE
    /// and PG on, x87 emulation and task-switched off, CR4.PAE, EFER.LME and LMA; RIP at the
    /// runner's code. KVM checks the set against the CPUID set just before (long mode needs LM).
    /// </summary>
    private void EnterLongMode()
    {
        Span<byte> sregs = stackalloc byte[KvmLayout.SregsSize];
        _fd.Ioctl(KvmIoctl.GetSregs, sregs, "KVM_GET_SREGS");
        for (var i = 0; i < KvmLayout.SregsSegments; i++)
        {
            var segment = sregs.Slice(i * KvmLayout.SregsSegmentSize, KvmLayout.SregsSegmentSize);
            var code = i == 0;
            segment.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(segment[8..], uint.MaxValue);
            BinaryPrimitives.WriteUInt16LittleEndian(segment[12..], (ushort)(code ? 8 : 16));
            segment[14] = (byte)(code ? 11 : 3); // type: execute/read accessed, or read/write accessed
            segment[15] = 1; // present
            segment[17] = (byte)(code ? 0 : 1); // db: a 64-bit code segment has it clear
            segment[18] = 1; // s: code or data
            segment[19] = (byte)(code ? 1 : 0); // l: 64-bit code
            segment[20] = 1; // g: 4K granularity
        }

        const ulong pe = 1, em = 1 << 2, ts = 1 << 3, pg = 1UL << 31, pae = 1 << 5, lme = 1 << 8, lma = 1 << 10;
        var cr0 = BinaryPrimitives.ReadUInt64LittleEndian(sregs[KvmLayout.SregsCr0..]);
        BinaryPrimitives.WriteUInt64LittleEndian(sregs[KvmLayout.SregsCr0..], (cr0 | pe | pg) & ~(em | ts));
        BinaryPrimitives.WriteUInt64LittleEndian(sregs[KvmLayout.SregsCr3..], IdentityMap.Root);
        BinaryPrimitives.WriteUInt64LittleEndian(sregs[KvmLayout.SregsCr4..], pae);
        BinaryPrimitives.WriteUInt64LittleEndian(sregs[KvmLayout.SregsEfer..], lme | lma);
        _fd.Ioctl(KvmIoctl.SetSregs, sregs, "KVM_SET_SREGS");

        Span<byte> regs = stackalloc byte[KvmLayout.RegsSize];
        regs.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(regs[KvmLayout.RegsRip..], RunnerLayout.Code);
        BinaryPrimitives.WriteUInt64LittleEndian(regs[KvmLayout.RegsRflags..], 2);
        _fd.Ioctl(KvmIoctl.SetRegs, regs, "KVM_SET_REGS");
    }

    /// <summary>The next chunk of queued accesses as code.</summary>
    private void LoadChunk()
    {
        _chunk.Clear();
        _reported = 0;
        while (_chunk.Count < RunnerLayout.MaxChunk && Guest.TryDequeue(out var access))
        {
            _chunk.Add(access);
        }

        var code = GuestCode.Chunk(_chunk, last: Guest.Count == 0, _vm.IdentityMap);
        BinaryPrimitives.WriteUInt32LittleEndian(_vm.Runner(RunnerLayout.Count, 4), 0);
        code.CopyTo(_vm.Runner(RunnerLayout.Code, code.Length));
        _needCode = false;
    }

    /// <summary>Adds the accesses the guest finished since the last exit, with what the reads returned.</summary>
    private void ReportCompleted()
    {
        var count = (int)BinaryPrimitives.ReadUInt32LittleEndian(_vm.Runner(RunnerLayout.Count, 4));
        for (; _reported < count; _reported++)
        {
            var access = _chunk[_reported];
            var value = access.Kind == GuestAccessKind.Write ? 0 : BinaryPrimitives.ReadUInt64LittleEndian(_vm.Runner(RunnerLayout.Result(_reported), 8));
            _completed.Add(new GuestAccessResult(access, value));
        }
    }

    private Span<byte> RunBytes(int offset, int length) => _run.Bytes((ulong)offset, length);
}

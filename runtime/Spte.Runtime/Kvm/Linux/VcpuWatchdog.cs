using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Spte.Runtime.Linux;

/// <summary>
/// Bounds one <c>KVM_RUN</c> call in wall-clock time: when the time is up it sets the run
/// structure's <c>immediate_exit</c> (in case the thread is just about to enter) and signals the
/// thread, so KVM returns <c>EINTR</c>. The signal is SIGWINCH, with a handler that does nothing:
/// its default action is to ignore it, and an ignored signal would not interrupt the call.
/// </summary>
internal sealed class VcpuWatchdog : IDisposable
{
    private const int SigWinch = 28;

    private static readonly Lazy<PosixSignalRegistration> Handler = new(() => OperatingSystem.IsWindows()
        ? throw new PlatformNotSupportedException("The real backend runs on Linux only.")
        : PosixSignalRegistration.Create(PosixSignal.SIGWINCH, context => context.Cancel = true));

    private readonly HostMapping _run;
    private readonly int _tid = LibC.GetTid();
    private readonly object _lock = new();
    private readonly Timer _timer;
    private bool _armed = true;

    public VcpuWatchdog(HostMapping run, TimeSpan timeout)
    {
        _ = Handler.Value;
        _run = run;
        _timer = new Timer(_ => Kick(), null, timeout, System.Threading.Timeout.InfiniteTimeSpan);
    }

    /// <summary>Whether the time ran out and the vCPU was kicked.</summary>
    public bool Fired { get; private set; }

    /// <summary>Disarms the watchdog: no kick can follow, and <c>immediate_exit</c> is clear for the next run.</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _armed = false;
            _run.Bytes(KvmLayout.RunImmediateExit, 1)[0] = 0;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _timer.Dispose();

    private void Kick()
    {
        lock (_lock)
        {
            if (!_armed)
            {
                return;
            }

            Fired = true;
            _run.Bytes(KvmLayout.RunImmediateExit, 1)[0] = 1;
            _ = LibC.TgKill(LibC.GetPid(), _tid, SigWinch);
        }
    }
}

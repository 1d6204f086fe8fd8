using System;
using System.Collections.Concurrent;
using System.Collections.Generic;

namespace Spte.Runtime;

/// <summary>
/// The guest code of a vCPU, reduced to its memory accesses: a queue the vCPU executes in
/// order. When it is empty the guest halts (<see cref="KvmExitReason.Hlt"/>); more accesses
/// may be added between runs.
/// </summary>
public sealed class GuestProgram
{
    private readonly ConcurrentQueue<GuestAccess> _accesses = new();
    private readonly int _guestMaxPhyAddr;
    private readonly Action<GuestAccess>? _backendCheck;

    /// <param name="guestMaxPhyAddr">The guest's MAXPHYADDR.</param>
    /// <param name="backendCheck">What else the backend cannot run (the real backend's generated guest), checked as the access is added.</param>
    internal GuestProgram(int guestMaxPhyAddr, Action<GuestAccess>? backendCheck = null)
    {
        _guestMaxPhyAddr = guestMaxPhyAddr;
        _backendCheck = backendCheck;
    }

    /// <summary>Accesses not yet started.</summary>
    public int Count => _accesses.Count;

    /// <summary>Appends an access.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is not 1, 2, 4 or 8, or the address is beyond the guest's MAXPHYADDR.</exception>
    /// <exception cref="NotSupportedException">The real backend's guest cannot make this access (the message says why).</exception>
    public GuestProgram Add(GuestAccess access)
    {
        ArgumentNullException.ThrowIfNull(access);
        access.Validate(_guestMaxPhyAddr);
        _backendCheck?.Invoke(access);
        _accesses.Enqueue(access);
        return this;
    }

    /// <summary>Appends several accesses.</summary>
    public GuestProgram AddRange(IEnumerable<GuestAccess> accesses)
    {
        ArgumentNullException.ThrowIfNull(accesses);
        foreach (var access in accesses)
        {
            Add(access);
        }

        return this;
    }

    internal bool TryDequeue(out GuestAccess access) => _accesses.TryDequeue(out access!);
}

using System;

namespace Spte.Runtime.Mmu;

/// <summary>
/// KVM's <c>KVM_BUG_ON</c>: the MMU found its own state inconsistent (not a caller's mistake).
/// The VM it belongs to is marked bugged, and every later call on that VM fails with
/// <see cref="Runtime.KvmErrno.EIO"/>, as KVM answers ioctls on a bugged VM.
/// </summary>
public sealed class KvmBugException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KvmBugException()
    {
    }

    /// <summary>Creates the exception with what was found.</summary>
    public KvmBugException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with what was found and its cause.</summary>
    public KvmBugException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

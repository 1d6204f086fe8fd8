using System;

namespace Spte.Runtime;

/// <summary>The errno a KVM ioctl would fail with. (Running out of page-table memory, KVM's <c>ENOMEM</c>, is <see cref="Memory.HostMemoryExhaustedException"/>.)</summary>
public enum KvmErrno
{
    /// <summary><c>ENOENT</c>: no such memory slot, or one without a dirty bitmap (<c>KVM_GET_DIRTY_LOG</c>).</summary>
    ENOENT = 2,

    /// <summary><c>EIO</c>: the VM is bugged (KVM's <c>KVM_BUG_ON</c> fired); nothing more runs on it.</summary>
    EIO = 5,

    /// <summary><c>EFAULT</c>: bad address.</summary>
    EFAULT = 14,

    /// <summary><c>EEXIST</c>: the range overlaps an existing memory slot.</summary>
    EEXIST = 17,

    /// <summary><c>EINVAL</c>: invalid argument.</summary>
    EINVAL = 22,
}

/// <summary>A KVM ioctl failed; <see cref="Errno"/> is what the real ioctl returns (negated).</summary>
public sealed class KvmException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KvmException(KvmErrno errno, string message)
        : base($"{errno}: {message}")
    {
        Errno = errno;
    }

    /// <summary>Creates the exception with a message only (<see cref="KvmErrno.EINVAL"/>).</summary>
    public KvmException(string message)
        : this(KvmErrno.EINVAL, message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception (<see cref="KvmErrno.EINVAL"/>).</summary>
    public KvmException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errno = KvmErrno.EINVAL;
    }

    /// <summary>Creates the exception with no details (<see cref="KvmErrno.EINVAL"/>).</summary>
    public KvmException()
    {
        Errno = KvmErrno.EINVAL;
    }

    /// <summary>The errno.</summary>
    public KvmErrno Errno { get; }
}

using System;

namespace Spte.Runtime.Linux;

/// <summary>A file descriptor of <c>/dev/kvm</c>, a VM or a vCPU: ioctls on it fail as <see cref="KvmException"/> with their errno; closed exactly once.</summary>
internal sealed unsafe class Fd : IDisposable
{
    private int _fd;

    public Fd(int fd, string name)
    {
        _fd = fd;
        Name = name;
    }

    /// <summary>What the descriptor is, for messages.</summary>
    public string Name { get; }

    /// <summary>The descriptor number.</summary>
    public int Number => _fd >= 0 ? _fd : throw new ObjectDisposedException(Name);

    /// <summary>An ioctl with an integer argument; its non-negative result.</summary>
    public int Ioctl(nuint request, nint argument, string what)
    {
        var result = LibC.Ioctl(Number, request, argument);
        return result >= 0 ? result : throw Errno.Exception($"{what} on {Name}");
    }

    /// <summary>An ioctl with a pointer to <paramref name="argument"/>.</summary>
    public int Ioctl<TArg>(nuint request, ref TArg argument, string what)
        where TArg : unmanaged
    {
        fixed (TArg* pointer = &argument)
        {
            return Ioctl(request, (nint)pointer, what);
        }
    }

    /// <summary>An ioctl with a pointer to a byte buffer (the structs the backend edits field by field).</summary>
    public int Ioctl(nuint request, Span<byte> buffer, string what)
    {
        fixed (byte* pointer = buffer)
        {
            return Ioctl(request, (nint)pointer, what);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_fd >= 0)
        {
            _ = LibC.Close(_fd);
            _fd = -1;
        }
    }
}

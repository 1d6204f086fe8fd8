using System;

namespace Spte.Runtime.Linux;

/// <summary>
/// Anonymous memory the VMM mapped (<c>mmap</c>), as a real VMM backs a memslot with it: KVM's
/// <c>userspace_addr</c>. Unmapped exactly once, on <see cref="Dispose"/>.
/// </summary>
internal sealed unsafe class HostMapping : IDisposable
{
    private nint _address;

    private HostMapping(nint address, ulong length)
    {
        _address = address;
        Length = length;
    }

    /// <summary>The first byte's address in this process.</summary>
    public nint Address => _address != 0 ? _address : throw new ObjectDisposedException(nameof(HostMapping));

    /// <summary>The mapped length in bytes.</summary>
    public ulong Length { get; }

    /// <summary>Maps <paramref name="length"/> bytes, rounded up to whole pages, of zero-filled memory, reserving no swap (a guest of many GiB touches few of them).</summary>
    /// <exception cref="KvmException">mmap failed (its errno: ENOMEM for more than the address space holds).</exception>
    public static HostMapping Anonymous(ulong length)
    {
        length = (length + 4095) & ~4095UL;
        var address = LibC.Mmap(0, (nuint)length, LibC.ProtRead | LibC.ProtWrite, LibC.MapPrivate | LibC.MapAnonymous | LibC.MapNoReserve, -1, 0);
        return address == LibC.MapFailed
            ? throw Errno.Exception($"mmap of {length} bytes failed")
            : new HostMapping(address, length);
    }

    /// <summary>
    /// <paramref name="data"/> copied to the very end of fresh anonymous memory followed by an
    /// inaccessible page, so a kernel that reads past it faults (EFAULT) as it would on a VMM's
    /// short buffer. <paramref name="start"/> is where the copy begins.
    /// </summary>
    public static HostMapping GuardedCopy(ReadOnlySpan<byte> data, out nint start)
    {
        const ulong page = 4096;
        var pages = ((ulong)data.Length + page - 1) / page;
        var mapping = Anonymous((pages + 1) * page);
        if (LibC.Mprotect(mapping.Address + (nint)(pages * page), (nuint)page, LibC.ProtNone) != 0)
        {
            mapping.Dispose();
            throw Errno.Exception("mprotect of a guard page");
        }

        start = mapping.Address + (nint)((pages * page) - (ulong)data.Length);
        data.CopyTo(new Span<byte>((void*)start, data.Length));
        return mapping;
    }

    /// <summary>Maps <paramref name="length"/> bytes of <paramref name="fd"/> shared (a vCPU's <c>struct kvm_run</c>).</summary>
    /// <exception cref="KvmException">mmap failed.</exception>
    public static HostMapping Shared(Fd fd, ulong length)
    {
        var address = LibC.Mmap(0, (nuint)length, LibC.ProtRead | LibC.ProtWrite, LibC.MapShared, fd.Number, 0);
        return address == LibC.MapFailed
            ? throw Errno.Exception($"mmap of {fd.Name}")
            : new HostMapping(address, length);
    }

    /// <summary>Bytes [<paramref name="offset"/>, +<paramref name="length"/>) of the mapping.</summary>
    public Span<byte> Bytes(ulong offset, int length)
    {
        if (offset > Length || (ulong)length > Length - offset)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"[{offset}, +{length}) is outside the {Length}-byte mapping.");
        }

        return new Span<byte>((void*)(Address + (nint)offset), length);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_address != 0)
        {
            _ = LibC.Munmap(_address, (nuint)Length);
            _address = 0;
        }
    }
}

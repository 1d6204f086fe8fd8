using System;

namespace Spte.Runtime;

/// <summary>
/// Memory the VMM mapped itself (its anonymous <c>mmap</c>) to back memslots: what KVM's
/// <c>userspace_addr</c> points into. The VMM's stores through it are seen by the guest and the
/// guest's stores are seen here; one mapping can back a re-created or moved slot, or several
/// slots at once. Made by <see cref="IKvmVm.MapMemory"/>.
/// </summary>
public abstract class VmmMemory : IDisposable
{
    private protected VmmMemory(ulong size) => Size = size;

    /// <summary>The mapping's length in bytes (whole pages).</summary>
    public ulong Size { get; }

    /// <summary>Loads bytes at <paramref name="offset"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range leaves the mapping.</exception>
    public abstract void Read(ulong offset, Span<byte> destination);

    /// <summary>Stores bytes at <paramref name="offset"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range leaves the mapping.</exception>
    public abstract void Write(ulong offset, ReadOnlySpan<byte> source);

    /// <summary>Unmaps the memory (on the simulated host, a no-op: it keeps backing any slot that still uses it).</summary>
    public abstract void Dispose();

    /// <summary>The whole pages that hold <paramref name="size"/> bytes.</summary>
    private protected static ulong PagesFor(ulong size) => (size + 4095) / 4096;

    /// <summary>Checks that [<paramref name="offset"/>, +<paramref name="length"/>) lies in the mapping.</summary>
    private protected void CheckRange(ulong offset, int length)
    {
        if (offset > Size || (ulong)length > Size - offset)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"[0x{offset:X}, +{length}) leaves the {Size}-byte mapping.");
        }
    }

    /// <summary>
    /// The checks both backends make before <c>KVM_SET_USER_MEMORY_REGION</c> with VMM memory:
    /// the offset is page aligned (an unaligned <c>userspace_addr</c> is KVM's EINVAL) and the
    /// slot lies inside the mapping (KVM would accept it and fail the first access beyond; both
    /// backends refuse it up front).
    /// </summary>
    internal void CheckSlot(ulong memorySize, ulong memoryOffset)
    {
        if ((memoryOffset & 4095) != 0)
        {
            throw new KvmException(KvmErrno.EINVAL, $"userspace_addr (the mapping + 0x{memoryOffset:X}) must be page aligned.");
        }

        if (memoryOffset > Size || memorySize > Size - memoryOffset)
        {
            throw new ArgumentOutOfRangeException(nameof(memoryOffset), memoryOffset, $"A slot of 0x{memorySize:X} bytes at 0x{memoryOffset:X} leaves the {Size}-byte mapping.");
        }
    }
}

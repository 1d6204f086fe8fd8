using System;

namespace Spte.Runtime.Linux;

/// <summary>VMM memory on the real backend: an anonymous mapping of this process, unmapped on <see cref="Dispose"/>.</summary>
internal sealed class DevKvmMemory : VmmMemory
{
    internal DevKvmMemory(HostMapping mapping)
        : base(mapping.Length) => Mapping = mapping;

    internal HostMapping Mapping { get; }

    /// <inheritdoc/>
    public override void Read(ulong offset, Span<byte> destination)
    {
        CheckRange(offset, destination.Length);
        Mapping.Bytes(offset, destination.Length).CopyTo(destination);
    }

    /// <inheritdoc/>
    public override void Write(ulong offset, ReadOnlySpan<byte> source)
    {
        CheckRange(offset, source.Length);
        source.CopyTo(Mapping.Bytes(offset, source.Length));
    }

    /// <inheritdoc/>
    public override void Dispose() => Mapping.Dispose();
}

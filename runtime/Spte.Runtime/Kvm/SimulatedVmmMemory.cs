using System;
using Spte.Runtime.Memory;
using Spte.Runtime.Memslots;

namespace Spte.Runtime;

/// <summary>VMM memory on the simulated host: a run of guest RAM frames the VM's MMU notifier watches.</summary>
internal sealed class SimulatedVmmMemory : VmmMemory
{
    private readonly HostMemory _host;

    internal SimulatedVmmMemory(KvmVm vm, HostMemory host, GuestRamBacking backing)
        : base(backing.Pages * HostMemory.PageSize)
    {
        Vm = vm;
        _host = host;
        Backing = backing;
    }

    /// <summary>The VM whose notifier watches this memory.</summary>
    internal KvmVm Vm { get; }

    internal GuestRamBacking Backing { get; }

    /// <summary>Makes the memory a VM maps: <paramref name="size"/> bytes rounded up to pages.</summary>
    internal static SimulatedVmmMemory Map(KvmVm vm, HostMemory host, ulong size)
    {
        ArgumentOutOfRangeException.ThrowIfZero(size);
        return new SimulatedVmmMemory(vm, host, vm.Memslots.NewBacking(host, PagesFor(size)));
    }

    /// <inheritdoc/>
    public override void Read(ulong offset, Span<byte> destination)
    {
        CheckRange(offset, destination.Length);
        for (var done = 0; done < destination.Length;)
        {
            var chunk = Chunk(offset + (ulong)done, destination.Length - done, out var index, out var inPage);
            _host.Read((Backing.Lookup(index).Pfn << HostMemory.PageShift) + inPage, destination.Slice(done, chunk));
            done += chunk;
        }
    }

    /// <inheritdoc/>
    public override void Write(ulong offset, ReadOnlySpan<byte> source)
    {
        CheckRange(offset, source.Length);
        for (var done = 0; done < source.Length;)
        {
            var chunk = Chunk(offset + (ulong)done, source.Length - done, out var index, out var inPage);

            // The store faults the page in as the host's own first (the zero page or a KSM page is replaced, and the MMU told).
            Backing.PrepareWrite(index);
            _host.Write((Backing.Lookup(index).Pfn << HostMemory.PageShift) + inPage, source.Slice(done, chunk));
            done += chunk;
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
    }

    private static int Chunk(ulong offset, int remaining, out ulong index, out ulong inPage)
    {
        index = offset >> HostMemory.PageShift;
        inPage = offset & (HostMemory.PageSize - 1);
        return (int)Math.Min((ulong)remaining, HostMemory.PageSize - inPage);
    }
}

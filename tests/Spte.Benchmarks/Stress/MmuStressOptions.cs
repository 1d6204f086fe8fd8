using System;

namespace Spte.Benchmarks.Stress;

/// <summary>
/// The shape of one <c>mmu-stress</c> run, after KVM's tools/testing/selftests/kvm/mmu_stress_test.c:
/// guest memory from 4 GiB up in slots of <see cref="SlotBytes"/> that all map the same host
/// memory of that size (the test's one memfd), and <see cref="Threads"/> vCPUs each owning an
/// equal, contiguous share of the guest.
/// </summary>
internal sealed record MmuStressOptions
{
    /// <summary>Where guest memory starts: the test skips the first 4 GiB (slot 0, the APIC's internal slot below 4 GiB).</summary>
    public const ulong FirstGpa = 4UL << 30;

    /// <summary>The first memslot id (the test keeps slot 0 for the guest's code and page tables).</summary>
    public const int FirstSlot = 1;

    /// <summary>Guest memory in bytes (the test's <c>-m</c>, 128 GiB by default).</summary>
    public ulong GuestBytes { get; init; } = 128UL << 30;

    /// <summary>Bytes per memslot, and of the host memory every slot maps (the test's <c>-s</c>, 2 GiB by default).</summary>
    public ulong SlotBytes { get; init; } = 2UL << 30;

    /// <summary>vCPU threads (the test's <c>-c</c>; it defaults to 3/4 of the CPUs, here 2).</summary>
    public int Threads { get; init; } = 2;

    /// <summary>Operations to reach at least: whole rounds of the stage sequence run until the count is reached.</summary>
    public long Ops { get; init; } = 100_000_000;

    /// <summary>The test's <c>-H</c>: the memory is backed by 2M huge pages, so the MMU maps 2M leafs where it can (else 4K only, as the test's <c>MADV_NOHUGEPAGE</c>).</summary>
    public bool HugePages { get; init; }

    /// <summary>Seeds the host's choices: which ranges the zap stage zaps and which slots the memslot stage changes.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Memslots: as many whole slots as fit in <see cref="GuestBytes"/>.</summary>
    public int SlotCount => (int)(GuestBytes / SlotBytes);

    /// <summary>Guest pages over every slot.</summary>
    public ulong GuestPages => (ulong)SlotCount * (SlotBytes >> 12);

    /// <summary>Rejects shapes the test would reject, or that give a vCPU no memory.</summary>
    /// <exception cref="ArgumentException">The shape cannot run.</exception>
    public void Validate()
    {
        if (SlotBytes == 0 || SlotBytes % (2UL << 20) != 0 || GuestBytes < SlotBytes)
        {
            throw new ArgumentException($"slots must be whole 2 MiB multiples and at least one must fit: {SlotBytes} bytes per slot, {GuestBytes} bytes of guest.");
        }

        if (Threads < 1 || GuestPages / (ulong)Threads == 0)
        {
            throw new ArgumentException($"{Threads} vCPUs cannot share {GuestPages} pages.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(Ops);
    }
}

namespace Spte.Runtime.Linux;

/// <summary>
/// Where the real backend keeps the guest code it generates, the guest's page tables and what
/// the code reports: one memslot of its own just below 4 GiB, which a VMM's slots must not overlap. Two fixed stubs
/// let the guest wait for more code without the VMM writing RIP after an exit (an exit's
/// completion on the next <c>KVM_RUN</c> would act on the new RIP):
/// a chunk ends by jumping to <see cref="MoreStub"/> (<c>out</c> to <see cref="MorePort"/>, then
/// back to <see cref="Code"/>) or to <see cref="HaltStub"/> (<c>hlt</c>, then back to <see cref="Code"/>).
/// </summary>
internal static class RunnerLayout
{
    /// <summary>The first guest-physical address of the runner's slot.</summary>
    public const uint Base = 0xFFF0_0000;

    /// <summary>The slot's size: up to 4 GiB.</summary>
    public const uint Size = 0x10_0000;

    public const uint MoreStub = Base;
    public const uint HaltStub = Base + 0x40;

    /// <summary>A 32-bit word the guest sets to the number of accesses of the chunk it has completed.</summary>
    public const uint Count = Base + 0x80;

    /// <summary>One 8-byte word per access: what a read returned, or the value an 8-byte write stores.</summary>
    public const uint Results = Base + 0x1000;

    public const uint Code = Base + 0x2_0000;

    /// <summary>The guest's page tables (an identity map the backend grows as accesses need it): the PML4, then a pool of tables.</summary>
    public const uint PageTables = Base + 0xC_0000;

    /// <summary>How many table pages the pool holds (each PD maps 1 GiB; a PDPT 512 GiB).</summary>
    public const int PageTablePages = (int)((Size - (PageTables - Base)) / 0x1000);

    /// <summary>The most accesses one chunk holds: its results fit below <see cref="Code"/>, and its code (at most 48 bytes an access) below <see cref="PageTables"/>.</summary>
    public const int MaxChunk = 8192;

    /// <summary>The I/O port the guest writes to ask for the next chunk (no device is there, so KVM exits to the VMM).</summary>
    public const byte MorePort = 0xE0;

    /// <summary>The address of access <paramref name="index"/>'s result word.</summary>
    public static uint Result(int index) => Results + (8 * (uint)index);
}

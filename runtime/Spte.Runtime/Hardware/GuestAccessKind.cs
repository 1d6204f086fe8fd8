namespace Spte.Runtime.Hardware;

/// <summary>What a guest access does to memory.</summary>
public enum GuestAccessKind
{
    /// <summary>A data read.</summary>
    Read,

    /// <summary>A data write.</summary>
    Write,

    /// <summary>An instruction fetch.</summary>
    Fetch,

    /// <summary><c>invlpg</c>: flush the guest's TLB entry for the address (no memory access).</summary>
    Invlpg,

    /// <summary><c>mov cr3</c>: load the value as CR3, which flushes the guest's TLB (no memory access).</summary>
    MovToCr3,
}

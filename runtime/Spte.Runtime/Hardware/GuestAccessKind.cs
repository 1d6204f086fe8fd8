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
}

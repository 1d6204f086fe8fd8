namespace Spte.Runtime.Formats;

/// <summary>
/// The memory type of an EPT leaf (bits 3..5). Encodings 2, 3 and 7 are reserved: a leaf that
/// uses one causes an EPT misconfiguration.
/// </summary>
public enum EptMemoryType : byte
{
    /// <summary>Uncacheable (UC).</summary>
    Uncacheable = 0,

    /// <summary>Write combining (WC).</summary>
    WriteCombining = 1,

    /// <summary>Write through (WT).</summary>
    WriteThrough = 4,

    /// <summary>Write protected (WP).</summary>
    WriteProtected = 5,

    /// <summary>Write back (WB), what KVM uses for guest RAM.</summary>
    WriteBack = 6,
}

namespace Spte.Runtime.Hardware;

/// <summary>A simulated CPU's walk of the TDP tables (EPT or NPT) for one guest access.</summary>
internal interface ITdpWalker
{
    /// <summary>Translates <paramref name="gpa"/> for <paramref name="access"/> through the root table in host frame <paramref name="rootPfn"/>.</summary>
    TdpWalkResult Walk(ulong rootPfn, int rootLevel, ulong gpa, GuestAccessKind access);

    /// <summary>The vCPU's page-modification log, or null when the CPU keeps none (PML off, or NPT).</summary>
    PmlLog? Pml => null;
}

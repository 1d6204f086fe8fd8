namespace Spte.Runtime.Mmu;

/// <summary>What a page fault last read or wrote on its walk: the level and raw SPTE, or level 0 when it touched none.</summary>
/// <param name="Level">The level of the entry (1 = 4K), or 0.</param>
/// <param name="Spte">The raw entry.</param>
internal readonly record struct FaultTrace(int Level, ulong Spte);

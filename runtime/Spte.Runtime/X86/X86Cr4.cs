using System;

namespace Spte.Runtime.X86;

/// <summary>The CR4 bits a 4-level walk depends on (<c>X86_CR4_*</c>).</summary>
[Flags]
public enum X86Cr4 : ulong
{
    /// <summary>No bit set.</summary>
    None = 0,

    /// <summary><c>X86_CR4_PAE</c>: 64-bit entries; required for long mode.</summary>
    Pae = 1UL << 5,

    /// <summary><c>X86_CR4_LA57</c>: 5-level paging (not modelled).</summary>
    La57 = 1UL << 12,
}

using System;

namespace Spte.Runtime.X86;

/// <summary>The CR0 bits a 4-level walk depends on (<c>X86_CR0_*</c>).</summary>
[Flags]
public enum X86Cr0 : ulong
{
    /// <summary>No bit set: real mode, paging off.</summary>
    None = 0,

    /// <summary><c>X86_CR0_PE</c>: protected mode.</summary>
    Pe = 1UL << 0,

    /// <summary><c>X86_CR0_WP</c>: supervisor writes honour read-only pages.</summary>
    Wp = 1UL << 16,

    /// <summary><c>X86_CR0_PG</c>: paging on.</summary>
    Pg = 1UL << 31,
}

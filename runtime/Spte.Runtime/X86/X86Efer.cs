using System;

namespace Spte.Runtime.X86;

/// <summary>The EFER bits a 4-level walk depends on (<c>EFER_*</c>).</summary>
[Flags]
public enum X86Efer : ulong
{
    /// <summary>No bit set.</summary>
    None = 0,

    /// <summary><c>EFER_LME</c>: long mode enabled.</summary>
    Lme = 1UL << 8,

    /// <summary><c>EFER_LMA</c>: long mode active (LME with paging on).</summary>
    Lma = 1UL << 10,

    /// <summary><c>EFER_NX</c>: the XD bit of page-table entries is honoured (else it is reserved).</summary>
    Nxe = 1UL << 11,
}

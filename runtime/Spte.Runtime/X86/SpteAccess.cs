using System;

namespace Spte.Runtime.X86;

/// <summary>The access rights KVM maps with (<c>ACC_*</c> in spte.h); the TDP MMU always maps <see cref="All"/>.</summary>
[Flags]
internal enum SpteAccess
{
    /// <summary>No access.</summary>
    None = 0,

    /// <summary><c>ACC_EXEC_MASK</c>.</summary>
    Exec = 1,

    /// <summary><c>ACC_WRITE_MASK</c> (= <c>PT_WRITABLE_MASK</c>).</summary>
    Write = 2,

    /// <summary><c>ACC_USER_MASK</c> (= <c>PT_USER_MASK</c>).</summary>
    User = 4,

    /// <summary><c>ACC_ALL</c>.</summary>
    All = Exec | Write | User,
}

using System;

namespace Spte.Runtime;

/// <summary>
/// The argument of <c>KVM_ENABLE_CAP(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2)</c>
/// (<see cref="KvmVm.EnableManualDirtyLogProtect"/>); x86 supports both bits
/// (<c>KVM_DIRTY_LOG_MANUAL_CAPS</c>).
/// </summary>
[Flags]
public enum KvmDirtyLogManualProtect : ulong
{
    /// <summary>Manual protection off: <c>KVM_GET_DIRTY_LOG</c> clears and write-protects what it reports.</summary>
    None = 0,

    /// <summary>
    /// <c>KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE</c>: <c>KVM_GET_DIRTY_LOG</c> only copies the bitmap;
    /// userspace re-arms pages with <c>KVM_CLEAR_DIRTY_LOG</c> (<see cref="KvmVm.ClearDirtyLog"/>).
    /// </summary>
    ManualProtectEnable = 1UL << 0,

    /// <summary>
    /// <c>KVM_DIRTY_LOG_INITIALLY_SET</c> (only with <see cref="ManualProtectEnable"/>): a slot that
    /// starts logging has every page marked dirty and is not write-protected up front; pages are
    /// write-protected as userspace clears them.
    /// </summary>
    InitiallySet = 1UL << 1,
}

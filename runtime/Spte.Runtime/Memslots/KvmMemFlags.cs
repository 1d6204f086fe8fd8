using System;

namespace Spte.Runtime.Memslots;

/// <summary>Flags of a memory slot (<c>KVM_MEM_*</c> in include/uapi/linux/kvm.h).</summary>
[Flags]
public enum KvmMemFlags : uint
{
    /// <summary>An ordinary writable slot.</summary>
    None = 0,

    /// <summary><c>KVM_MEM_LOG_DIRTY_PAGES</c>: record guest writes in a dirty bitmap (write-protection based).</summary>
    LogDirtyPages = 1 << 0,

    /// <summary><c>KVM_MEM_READONLY</c>: guest reads see the memory, guest writes exit to userspace as MMIO.</summary>
    ReadOnly = 1 << 1,
}

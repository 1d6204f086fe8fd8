using Spte.Runtime.Memslots;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu;

/// <summary>KVM's <c>struct kvm_page_fault</c>: one TDP fault as it moves through the fault path.</summary>
internal struct KvmPageFault
{
    public ulong Addr;
    public PageFaultErrorCode ErrorCode;
    public ulong Gfn;
    public int AsId;
    public KvmMemorySlot? Slot;
    public ulong Pfn;
    public bool MapWritable;
    public int MaxLevel;
    public int GoalLevel;
    public long MmuSeq;

    public readonly bool Write => (ErrorCode & PageFaultErrorCode.Write) != 0;

    public readonly bool Present => (ErrorCode & PageFaultErrorCode.Present) != 0;
}

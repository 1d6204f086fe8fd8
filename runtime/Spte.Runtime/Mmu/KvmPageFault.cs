using Spte;
using Spte.Runtime.Memslots;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu;

/// <summary>KVM's <c>struct kvm_page_fault</c>: one fault as it moves through the fault path.</summary>
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

    /// <summary>The level the slot and host allow (<c>req_level</c>), before the NX huge page mitigation lowers <see cref="GoalLevel"/>.</summary>
    public int ReqLevel;

    /// <summary>An instruction fetch under the NX huge page mitigation: no large leaf may map it (<c>huge_page_disallowed</c>).</summary>
    public bool HugePageDisallowed;
    public long MmuSeq;

    /// <summary>
    /// The memslot generation read before faultin looked the slot up: an MMIO SPTE carries it, as
    /// KVM's carries the generation of the memslots the fault used (an update in progress keeps
    /// the old one until the fault's SRCU section ends), so a slot created meanwhile makes it stale.
    /// </summary>
    public uint MmioGeneration;

    /// <summary>The access the guest's entries allow (<c>walker-&gt;pte_access</c>); all of it for a direct fault.</summary>
    public SpteAccess PteAccess;

    /// <summary>The level of the last SPTE the fault read or wrote (0: none), for the vCPU's event log.</summary>
    public int TraceLevel;

    /// <summary>That SPTE's raw value.</summary>
    public ulong TraceSpte;

    public readonly bool Write => (ErrorCode & PageFaultErrorCode.Write) != 0;

    public readonly bool Exec => (ErrorCode & PageFaultErrorCode.Fetch) != 0;

    public readonly bool Present => (ErrorCode & PageFaultErrorCode.Present) != 0;

    /// <summary>Records <paramref name="spte"/> at <paramref name="level"/> as the last SPTE seen.</summary>
    public void Trace<T>(int level, T spte)
        where T : struct, ISpte<T>
    {
        TraceLevel = level;
        TraceSpte = spte.Raw;
    }
}

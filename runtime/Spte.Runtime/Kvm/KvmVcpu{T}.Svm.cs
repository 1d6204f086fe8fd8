using Spte.Runtime.Hardware;
using Spte.Runtime.X86;

namespace Spte.Runtime;

/// <summary>AMD SVM exits (svm.c): nested page faults.</summary>
public sealed partial class KvmVcpu<T>
{
    /// <summary>SVM's <c>npf_interception</c>: the #NPF error code is the page-fault error code.</summary>
    private PageFaultErrorCode NpfInterception(TdpWalkResult walk, ulong gpa)
    {
        Stats.Increment(VcpuStat.NestedPageFaults);
        Record(VcpuEventKind.NestedPageFault, gpa, $"exit to KVM: {walk.Reason} at level {walk.Level}, error code 0x{(ulong)walk.ErrorCode:X} ({walk.ErrorCode})");
        return walk.ErrorCode;
    }
}

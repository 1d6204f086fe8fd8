using Spte.Runtime.Mmu;
using Spte.Runtime.X86;

namespace Spte.Runtime.Hardware;

/// <summary>How a hardware walk of guest-physical address translation ended.</summary>
internal enum TdpWalkOutcome
{
    /// <summary>The access was allowed; <see cref="TdpWalkResult.Hpa"/> is the host address.</summary>
    Translated,

    /// <summary>An EPT violation exits to the host (non-present entry or missing permission).</summary>
    EptViolation,

    /// <summary>An EPT misconfiguration exits to the host (illegal R/W/X, reserved bit, bad memory type).</summary>
    EptMisconfig,

    /// <summary>The violation was converted into a #VE delivered to the guest; the host sees nothing.</summary>
    VirtualizationException,

    /// <summary>A nested page fault (#NPF) exits to the host with <see cref="TdpWalkResult.ErrorCode"/>.</summary>
    NestedPageFault,

    /// <summary>The write would set a dirty flag with the page-modification log full: a PML-full VM exit before the access.</summary>
    PmlFull,
}

/// <summary>The result of a hardware walk.</summary>
/// <param name="Outcome">How the walk ended.</param>
/// <param name="Gpa">The guest physical address.</param>
/// <param name="Hpa">The host physical address when translated.</param>
/// <param name="Level">The level of the last entry read.</param>
/// <param name="Entry">The raw value of the last entry read (the one that decided a fault).</param>
/// <param name="Qualification">The EPT violation exit qualification (also for a #VE).</param>
/// <param name="ErrorCode">The #NPF error code.</param>
/// <param name="Reason">Why a misconfiguration or fault happened, for traces.</param>
internal readonly record struct TdpWalkResult(
    TdpWalkOutcome Outcome,
    ulong Gpa,
    ulong Hpa,
    int Level,
    ulong Entry,
    EptViolationQualification Qualification,
    PageFaultErrorCode ErrorCode,
    string Reason);

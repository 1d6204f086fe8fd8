namespace Spte.Runtime.Hardware;

/// <summary>
/// The #VE information area a vCPU's VMCS points at (<c>VE_INFORMATION_ADDRESS</c>; KVM's
/// <c>struct vmx_ve_information</c>). The CPU delivers a convertible EPT violation as a #VE
/// only while <see cref="Delivery"/> (the "busy" word at offset 4) is 0, and sets it to
/// 0xFFFFFFFF when it does; until the guest clears it, further violations exit to the host.
/// </summary>
public sealed class VeInformationArea
{
    /// <summary>The busy value the CPU writes on delivery.</summary>
    public const uint Busy = 0xFFFF_FFFF;

    /// <summary>Offset 0: the exit reason (48, EPT violation).</summary>
    public uint ExitReason { get; private set; }

    /// <summary>Offset 4: the busy word.</summary>
    public uint Delivery { get; private set; }

    /// <summary>Offset 8: the exit qualification.</summary>
    public EptViolationQualification ExitQualification { get; private set; }

    /// <summary>Offset 16: the guest linear address.</summary>
    public ulong GuestLinearAddress { get; private set; }

    /// <summary>Offset 24: the guest physical address.</summary>
    public ulong GuestPhysicalAddress { get; private set; }

    /// <summary>Offset 32: the EPTP index.</summary>
    public ushort EptpIndex { get; private set; }

    /// <summary>
    /// The CPU's side: deliver a #VE if the area is free, recording the violation and setting
    /// the busy word. Returns false (the violation must exit instead) when the area is busy.
    /// </summary>
    internal bool TryDeliver(EptViolationQualification qualification, ulong gpa)
    {
        if (Delivery != 0)
        {
            return false;
        }

        ExitReason = EptWalker.ExitReasonEptViolation;
        ExitQualification = qualification;
        GuestLinearAddress = gpa;
        GuestPhysicalAddress = gpa;
        EptpIndex = 0;
        Delivery = Busy;
        return true;
    }

    /// <summary>The guest's side (TDX's <c>TDG.VP.VEINFO.GET</c>): read the information and free the area for the next #VE.</summary>
    public (uint ExitReason, EptViolationQualification Qualification, ulong Gpa) Get()
    {
        var info = (ExitReason, ExitQualification, GuestPhysicalAddress);
        Delivery = 0;
        return info;
    }
}

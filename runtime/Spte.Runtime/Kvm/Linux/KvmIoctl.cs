namespace Spte.Runtime.Linux;

/// <summary>The ioctl numbers of include/uapi/linux/kvm.h the real backend issues (<c>_IO</c>/<c>_IOW</c>/<c>_IOR</c>/<c>_IOWR</c> on 0xAE).</summary>
internal static class KvmIoctl
{
    internal const nuint GetApiVersion = 0xAE00;
    internal const nuint CreateVm = 0xAE01;
    internal const nuint CheckExtension = 0xAE03;
    internal const nuint GetVcpuMmapSize = 0xAE04;
    internal const nuint GetSupportedCpuid = 0xC008AE05;
    internal const nuint SetCpuid2 = 0x4008AE90;
    internal const nuint CreateVcpu = 0xAE41;
    internal const nuint GetDirtyLog = 0x4010AE42;
    internal const nuint SetUserMemoryRegion = 0x4020AE46;
    internal const nuint EnableCap = 0x4068AEA3;
    internal const nuint ClearDirtyLog = 0xC018AEC0;
    internal const nuint Run = 0xAE80;
    internal const nuint SetRegs = 0x4090AE82;
    internal const nuint GetSregs = 0x8138AE83;
    internal const nuint SetSregs = 0x4138AE84;

    /// <summary><c>KVM_API_VERSION</c>: the only version there has ever been.</summary>
    internal const int ApiVersion = 12;

    /// <summary><c>KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2</c>.</summary>
    internal const uint CapManualDirtyLogProtect2 = 168;

    /// <summary><c>KVM_CAP_NR_MEMSLOTS</c>.</summary>
    internal const int CapNrMemslots = 10;

    internal const uint ExitIo = 2;
    internal const uint ExitHlt = 5;
    internal const uint ExitMmio = 6;
    internal const uint ExitShutdown = 8;
    internal const uint ExitInternalError = 17;
}

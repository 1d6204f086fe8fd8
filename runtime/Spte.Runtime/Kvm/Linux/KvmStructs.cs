using System.Runtime.InteropServices;

namespace Spte.Runtime.Linux;

/// <summary><c>struct kvm_userspace_memory_region</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmUserspaceMemoryRegion
{
    public uint Slot;
    public uint Flags;
    public ulong GuestPhysAddr;
    public ulong MemorySize;
    public ulong UserspaceAddr;
}

/// <summary><c>struct kvm_dirty_log</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmDirtyLog
{
    public uint Slot;
    public uint Padding;
    public nint DirtyBitmap;
}

/// <summary><c>struct kvm_clear_dirty_log</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmClearDirtyLog
{
    public uint Slot;
    public uint NumPages;
    public ulong FirstPage;
    public nint DirtyBitmap;
}

/// <summary><c>struct kvm_enable_cap</c>: the capability, flags, four arguments and 64 bytes of padding.</summary>
[StructLayout(LayoutKind.Sequential, Size = 104)]
internal struct KvmEnableCap
{
    public uint Cap;
    public uint Flags;
    public ulong Arg0;
}

/// <summary>
/// Offsets into <c>struct kvm_run</c>, <c>struct kvm_regs</c> and <c>struct kvm_sregs</c>
/// (x86-64 layout), read and written as bytes: the backend touches a handful of fields only.
/// </summary>
internal static class KvmLayout
{
    internal const int RunImmediateExit = 1;
    internal const int RunExitReason = 8;
    internal const int RunUnion = 32;
    internal const int RunMmioPhysAddr = RunUnion;
    internal const int RunMmioData = RunUnion + 8;
    internal const int RunMmioLen = RunUnion + 16;
    internal const int RunMmioIsWrite = RunUnion + 20;
    internal const int RunIoPort = RunUnion + 2;
    internal const int RunInternalSuberror = RunUnion;

    internal const int RegsSize = 144;
    internal const int RegsRip = 16 * 8;
    internal const int RegsRflags = 17 * 8;

    internal const int SregsSize = 312;
    internal const int SregsSegmentSize = 24;
    internal const int SregsSegments = 6;
    internal const int SregsCr0 = 224;
    internal const int SregsCr3 = 240;
    internal const int SregsCr4 = 248;
    internal const int SregsEfer = 264;

    /// <summary><c>struct kvm_cpuid2</c>: a count and padding, then entries of <c>struct kvm_cpuid_entry2</c>.</summary>
    internal const int CpuidHeader = 8;
    internal const int CpuidEntrySize = 40;
}

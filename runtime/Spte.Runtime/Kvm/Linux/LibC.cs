using System.Runtime.InteropServices;

namespace Spte.Runtime.Linux;

/// <summary>
/// The few libc calls a VMM needs to drive <c>/dev/kvm</c>; no native helper is built. Plain
/// <c>DllImport</c> with blittable arguments rather than <c>LibraryImport</c>: the same calls with
/// no source generator, so the analyzer tests can compile the runtime's sources as they are.
/// </summary>
internal static class LibC
{
    internal const int ORdWr = 2;
    internal const int OCloExec = 0x80000;
    internal const int ProtRead = 1;
    internal const int ProtWrite = 2;
    internal const int MapShared = 1;
    internal const int MapPrivate = 2;
    internal const int MapAnonymous = 0x20;
    internal const int MapNoReserve = 0x4000;
    internal const int EIntr = 4;

    /// <summary><c>MAP_FAILED</c>.</summary>
    internal static readonly nint MapFailed = -1;

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    internal static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    internal static extern int Close(int fd);

    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    internal static extern int Ioctl(int fd, nuint request, nint argument);

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    internal static extern nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    internal const int ProtNone = 0;

    [DllImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    internal static extern int Mprotect(nint address, nuint length, int protection);

    [DllImport("libc", EntryPoint = "munmap", SetLastError = true)]
    internal static extern int Munmap(nint address, nuint length);

    [DllImport("libc", EntryPoint = "gettid")]
    internal static extern int GetTid();

    [DllImport("libc", EntryPoint = "getpid")]
    internal static extern int GetPid();

    [DllImport("libc", EntryPoint = "tgkill", SetLastError = true)]
    internal static extern int TgKill(int tgid, int tid, int signal);
}

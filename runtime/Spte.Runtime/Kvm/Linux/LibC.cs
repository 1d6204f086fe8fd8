using System.Runtime.InteropServices;

namespace Spte.Runtime.Linux;

/// <summary>The few libc calls a VMM needs to drive <c>/dev/kvm</c>; no native helper is built.</summary>
internal static partial class LibC
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

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int Ioctl(int fd, nuint request, nint argument);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    internal static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    internal const int ProtNone = 0;

    [LibraryImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    internal static partial int Mprotect(nint address, nuint length, int protection);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    internal static partial int Munmap(nint address, nuint length);

    [LibraryImport("libc", EntryPoint = "gettid")]
    internal static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "getpid")]
    internal static partial int GetPid();

    [LibraryImport("libc", EntryPoint = "tgkill", SetLastError = true)]
    internal static partial int TgKill(int tgid, int tid, int signal);
}

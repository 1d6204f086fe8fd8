using System.Runtime.InteropServices;

namespace Spte.Runtime.Linux;

/// <summary>Turns the errno of the libc call that just failed into the <see cref="KvmException"/> the simulated backend would throw.</summary>
internal static class Errno
{
    /// <summary>The last call's errno.</summary>
    public static int Last => Marshal.GetLastPInvokeError();

    /// <summary>A <see cref="KvmException"/> carrying the last errno (numbers KVM uses are named in <see cref="KvmErrno"/>).</summary>
    public static KvmException Exception(string what)
    {
        var errno = Last;
        return new KvmException((KvmErrno)errno, $"{what} (errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)}).");
    }
}

using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Spte.Runtime.Linux;

namespace Spte.Runtime;

/// <summary>
/// The machine's real KVM behind the same VMM surface as the simulated host (<see cref="IKvm"/>):
/// <c>open</c>, <c>ioctl</c> and <c>mmap</c> from C#, no native helper. Guests run the same
/// <see cref="GuestProgram"/> as on the model, as generated x86 code (32-bit protected mode,
/// paging off: guest-physical accesses below 4 GiB). Dispose closes the descriptor.
/// </summary>
public sealed class DevKvm : IKvm, IDisposable
{
    /// <summary>Where Linux puts KVM.</summary>
    public const string DefaultPath = "/dev/kvm";

    private readonly Fd _fd;

    private DevKvm(Fd fd, string path)
    {
        _fd = fd;
        Path = path;
        VcpuMmapSize = _fd.Ioctl(KvmIoctl.GetVcpuMmapSize, 0, "KVM_GET_VCPU_MMAP_SIZE");
        var slots = _fd.Ioctl(KvmIoctl.CheckExtension, KvmIoctl.CapNrMemslots, "KVM_CHECK_EXTENSION(KVM_CAP_NR_MEMSLOTS)");
        RunnerSlot = (uint)slots - 1;
    }

    /// <summary>The device opened.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public string Backend => $"real KVM ({Path})";

    /// <summary>The memslot the backend keeps for its guest code: the last one KVM allows, so a VMM's low ids stay free.</summary>
    public uint RunnerSlot { get; }

    internal int VcpuMmapSize { get; }

    /// <summary>Opens <paramref name="path"/> and checks KVM's API version.</summary>
    /// <exception cref="PlatformNotSupportedException">Not x86-64 Linux.</exception>
    /// <exception cref="KvmException">The device cannot be opened (its errno: ENOENT without KVM, EACCES without permission) or is not KVM API 12.</exception>
    public static DevKvm Open(string path = DefaultPath)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            throw new PlatformNotSupportedException($"The real backend needs x86-64 Linux; this is {RuntimeInformation.OSDescription} on {RuntimeInformation.ProcessArchitecture}.");
        }

        var number = LibC.Open(path, LibC.ORdWr | LibC.OCloExec);
        if (number < 0)
        {
            throw Errno.Exception($"open {path}");
        }

        var fd = new Fd(number, path);
        try
        {
            var version = fd.Ioctl(KvmIoctl.GetApiVersion, 0, "KVM_GET_API_VERSION");
            return version == KvmIoctl.ApiVersion
                ? new DevKvm(fd, path)
                : throw new KvmException(KvmErrno.EINVAL, $"{path} speaks KVM API {version}, not {KvmIoctl.ApiVersion}.");
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>Opens <paramref name="path"/> if this machine lets it; otherwise says why in one line.</summary>
    public static bool TryOpen([NotNullWhen(true)] out DevKvm? kvm, out string whyNot, string path = DefaultPath)
    {
        try
        {
            kvm = Open(path);
            whyNot = string.Empty;
            return true;
        }
        catch (Exception e) when (e is KvmException or PlatformNotSupportedException)
        {
            kvm = null;
            whyNot = $"{path} cannot be used here: {e.Message}";
            return false;
        }
    }

    /// <inheritdoc/>
    public IKvmVm CreateVm()
    {
        var vm = new Fd(_fd.Ioctl(KvmIoctl.CreateVm, 0, "KVM_CREATE_VM"), "VM");
        return new DevKvmVm(this, vm);
    }

    /// <inheritdoc/>
    public void Dispose() => _fd.Dispose();
}

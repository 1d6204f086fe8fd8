using System;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Spte.Runtime.Linux;

namespace Spte.Runtime;

/// <summary>
/// The machine's real KVM behind the same VMM surface as the simulated host (<see cref="IKvm"/>):
/// <c>open</c>, <c>ioctl</c> and <c>mmap</c> from C#, no native helper. Guests run the same
/// <see cref="GuestProgram"/> as on the model, as generated x86-64 code over an identity map
/// (guest-physical accesses up to the guest's MAXPHYADDR). Dispose closes the descriptor.
/// </summary>
public sealed class DevKvm : IKvm, IDisposable
{
    private const int E2Big = 7;

    /// <summary>Where Linux puts KVM.</summary>
    public const string DefaultPath = "/dev/kvm";

    private readonly Fd _fd;
    private byte[]? _cpuid;

    private DevKvm(Fd fd, string path)
    {
        _fd = fd;
        Path = path;
        VcpuMmapSize = _fd.Ioctl(KvmIoctl.GetVcpuMmapSize, 0, "KVM_GET_VCPU_MMAP_SIZE");
        var slots = _fd.Ioctl(KvmIoctl.CheckExtension, KvmIoctl.CapNrMemslots, "KVM_CHECK_EXTENSION(KVM_CAP_NR_MEMSLOTS)");
        RunnerSlot = (uint)slots - 1;
        GuestMaxPhyAddr = MaxPhyAddrOf(SupportedCpuid());
    }

    /// <summary>The device opened.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public string Backend => $"real KVM ({Path})";

    /// <summary>The memslot the backend keeps for its guest code: the last one KVM allows, so a VMM's low ids stay free.</summary>
    public uint RunnerSlot { get; }

    internal int VcpuMmapSize { get; }

    /// <summary>The guest's MAXPHYADDR in the CPUID the backend gives its vCPUs (leaf 0x80000008).</summary>
    internal int GuestMaxPhyAddr { get; }

    /// <summary>
    /// <c>KVM_GET_SUPPORTED_CPUID</c> as a <c>struct kvm_cpuid2</c>, for <c>KVM_SET_CPUID2</c>:
    /// everything KVM can virtualize (long mode among it, which the guest's EFER needs). Asked once.
    /// </summary>
    internal byte[] SupportedCpuid() => _cpuid ??= QuerySupportedCpuid();

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

    /// <summary>Asks with room for more entries while KVM answers E2BIG.</summary>
    private byte[] QuerySupportedCpuid()
    {
        for (var entries = 64; ; entries *= 2)
        {
            var buffer = new byte[KvmLayout.CpuidHeader + (entries * KvmLayout.CpuidEntrySize)];
            BinaryPrimitives.WriteInt32LittleEndian(buffer, entries);
            try
            {
                _fd.Ioctl(KvmIoctl.GetSupportedCpuid, buffer, "KVM_GET_SUPPORTED_CPUID");
                return buffer;
            }
            catch (KvmException e) when ((int)e.Errno == E2Big && entries < 4096)
            {
            }
        }
    }

    /// <summary>EAX[7:0] of leaf 0x80000008, or 36 (what KVM assumes without it).</summary>
    private static int MaxPhyAddrOf(byte[] cpuid)
    {
        var count = BinaryPrimitives.ReadInt32LittleEndian(cpuid);
        for (var i = 0; i < count; i++)
        {
            var entry = cpuid.AsSpan(KvmLayout.CpuidHeader + (i * KvmLayout.CpuidEntrySize), KvmLayout.CpuidEntrySize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(entry) == 0x8000_0008)
            {
                return entry[12];
            }
        }

        return 36;
    }
}

using System;
using System.Buffers.Binary;

namespace Spte.Runtime;

/// <summary>The shared <c>struct kvm_run</c> of a vCPU: why it exited and, for MMIO, the access.</summary>
public sealed class KvmRun
{
    /// <summary><c>exit_reason</c>.</summary>
    public KvmExitReason ExitReason { get; internal set; }

    /// <summary><c>mmio</c>: valid after a <see cref="KvmExitReason.Mmio"/> exit.</summary>
    public KvmRunMmio Mmio { get; } = new();

    /// <summary><c>system_event.type</c>: valid after a <see cref="KvmExitReason.SystemEvent"/> exit.</summary>
    public KvmSystemEventType SystemEventType { get; internal set; }

    /// <summary>A description of an <see cref="KvmExitReason.InternalError"/> exit.</summary>
    public string InternalError { get; internal set; } = string.Empty;
}

/// <summary>The <c>mmio</c> member of <c>struct kvm_run</c>.</summary>
public sealed class KvmRunMmio
{
    /// <summary><c>phys_addr</c>: the guest physical address.</summary>
    public ulong PhysAddr { get; internal set; }

    /// <summary><c>data</c>: the bytes written, or where userspace puts the bytes read before the next run.</summary>
    public byte[] Data { get; } = new byte[8];

    /// <summary><c>len</c>: 1, 2, 4 or 8 (or less where an access was split at a page boundary).</summary>
    public int Len { get; internal set; }

    /// <summary><c>is_write</c>.</summary>
    public bool IsWrite { get; internal set; }

    /// <summary>The written value, little-endian from <see cref="Data"/>.</summary>
    public ulong Value => BinaryPrimitives.ReadUInt64LittleEndian(Data);

    /// <summary>Userspace's answer to a read: stores <paramref name="value"/> in <see cref="Data"/>.</summary>
    public void SetReadValue(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Data, value);

    internal void Set(ulong gpa, int len, bool isWrite, ulong value)
    {
        PhysAddr = gpa;
        Len = len;
        IsWrite = isWrite;
        Array.Clear(Data);
        if (isWrite)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(Data, value);
        }
    }
}

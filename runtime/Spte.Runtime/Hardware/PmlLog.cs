using System.Collections.Generic;
using Spte.Runtime.Memory;

namespace Spte.Runtime.Hardware;

/// <summary>
/// Intel's page-modification log of one vCPU (the 4 KiB PML buffer and the VMCS's PML index):
/// each time the CPU sets the dirty flag of an EPT leaf, it writes the page's guest-physical
/// address at the index and counts down. When the index has run past 0, the next such write is a
/// "page-modification log full" VM exit instead, before the access; KVM empties the log at every
/// VM exit (<c>vmx_flush_pml_buffer</c>) into the dirty bitmaps.
/// </summary>
internal sealed class PmlLog
{
    /// <summary>Entries in the buffer (<c>PML_LOG_NR_ENTRIES</c>).</summary>
    public const int Entries = 512;

    private readonly ulong[] _buffer = new ulong[Entries];
    private int _index = Entries - 1;

    /// <summary>Whether the next logged write must exit instead.</summary>
    public bool IsFull => _index < 0;

    /// <summary>Logs the page of <paramref name="gpa"/>; the caller has checked <see cref="IsFull"/>.</summary>
    public void Log(ulong gpa) => _buffer[_index--] = gpa & ~(ulong)(HostMemory.PageSize - 1);

    /// <summary>The logged guest frames, oldest first, and an empty log after (the index back at 511).</summary>
    public IReadOnlyList<ulong> Flush()
    {
        var gfns = new List<ulong>(Entries - 1 - _index);
        for (var i = Entries - 1; i > _index; i--)
        {
            gfns.Add(_buffer[i] >> HostMemory.PageShift);
        }

        _index = Entries - 1;
        return gfns;
    }
}

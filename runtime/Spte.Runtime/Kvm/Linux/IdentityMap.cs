using System;
using System.Buffers.Binary;

namespace Spte.Runtime.Linux;

/// <summary>
/// The real backend's guest runs in long mode, so it needs page tables: an identity map with 2M
/// pages in the runner's slot, grown as accesses need it, so every address the guest uses is
/// the guest-physical address of the scenario. Only present entries are ever added, and the CPU
/// caches no non-present entry, so no flush is needed after growing it.
/// </summary>
internal sealed class IdentityMap
{
    private const ulong Present = 1, Writable = 2, Large = 0x80;
    private const ulong TwoMiB = 1UL << 21;

    private readonly DevKvmVm _vm;
    private int _used = 1;

    public IdentityMap(DevKvmVm vm)
    {
        _vm = vm;
        Map(RunnerLayout.Base);
    }

    /// <summary>The PML4's guest-physical address (CR3).</summary>
    public static ulong Root => RunnerLayout.PageTables;

    /// <summary>Maps the 2M page holding <paramref name="gpa"/> to itself, and the tables above it.</summary>
    /// <exception cref="InvalidOperationException">The table pool is used up (the guest touched more 1 GiB regions than it holds).</exception>
    public void Map(ulong gpa)
    {
        var pdpt = Next(Root, (int)((gpa >> 39) & 511));
        var pd = Next(pdpt, (int)((gpa >> 30) & 511));
        var entry = Entry(pd, (int)((gpa >> 21) & 511));
        if ((Read(entry) & Present) == 0)
        {
            Write(entry, (gpa & ~(TwoMiB - 1)) | Present | Writable | Large);
        }
    }

    /// <summary>The table an entry of <paramref name="table"/> points to, made if missing.</summary>
    private ulong Next(ulong table, int index)
    {
        var entry = Entry(table, index);
        var value = Read(entry);
        if ((value & Present) != 0)
        {
            return value & 0x000F_FFFF_FFFF_F000;
        }

        if (_used == RunnerLayout.PageTablePages)
        {
            throw new InvalidOperationException($"The real backend's guest page tables are full ({RunnerLayout.PageTablePages} pages): the program touches too many 1 GiB regions.");
        }

        var fresh = RunnerLayout.PageTables + ((ulong)_used++ * 0x1000);
        _vm.Runner((uint)fresh, 0x1000).Clear();
        Write(entry, fresh | Present | Writable);
        return fresh;
    }

    private static ulong Entry(ulong table, int index) => table + ((ulong)index * 8);

    private ulong Read(ulong entry) => BinaryPrimitives.ReadUInt64LittleEndian(_vm.Runner((uint)entry, 8));

    private void Write(ulong entry, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(_vm.Runner((uint)entry, 8), value);
}

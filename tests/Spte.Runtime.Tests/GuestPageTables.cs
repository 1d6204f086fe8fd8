using System;
using System.Buffers.Binary;
using Spte.Runtime.Formats;
using Spte.Runtime.X86;

namespace Spte.Runtime.Tests;

/// <summary>
/// A guest's own 4-level page tables, built in guest memory the way a guest kernel would (the
/// entries in the toolkit's <see cref="GuestPte"/> format): tables come from a bump allocator
/// at <see cref="Pml4"/>; <see cref="Map"/> fills in the path to one 4K page.
/// </summary>
internal sealed class GuestPageTables
{
    private const ulong PageSize = 4096;
    private readonly KvmVm _vm;
    private ulong _next;

    public GuestPageTables(KvmVm vm, ulong firstTableGpa)
    {
        _vm = vm;
        Pml4 = firstTableGpa;
        _next = firstTableGpa + PageSize;
        Zero(Pml4);
    }

    /// <summary>The PML4's guest-physical address (CR3).</summary>
    public ulong Pml4 { get; }

    /// <summary>Maps <paramref name="gva"/> to <paramref name="gpa"/> (4K); returns the guest-physical address of the leaf entry.</summary>
    public ulong Map(ulong gva, ulong gpa, bool writable = true)
    {
        var table = Pml4;
        for (var level = PgLevel.Root4Level; level > PgLevel.Pg4K; level--)
        {
            var entryGpa = table + (ulong)(PgLevel.Index(gva >> 12, level) * 8);
            var entry = Read(entryGpa);
            if (!entry.PagePresent)
            {
                var child = _next;
                _next += PageSize;
                Zero(child);
                entry = GuestPte.FromRaw(GuestPte.PagePresentMask | GuestPte.WritableMask).WithPfn(child >> 12);
                Write(entryGpa, entry);
            }

            table = entry.Pfn << 12;
        }

        var leafGpa = LeafEntryGpa(gva, table);
        Write(leafGpa, GuestPte.FromRaw(GuestPte.PagePresentMask | (writable ? GuestPte.WritableMask : 0)).WithPfn(gpa >> 12));
        return leafGpa;
    }

    /// <summary>The guest-physical address of the entry at <paramref name="level"/> on the path to <paramref name="gva"/> (the path must exist).</summary>
    public ulong EntryGpa(ulong gva, int level)
    {
        var table = Pml4;
        for (var l = PgLevel.Root4Level; l > level; l--)
        {
            table = Read(table + (ulong)(PgLevel.Index(gva >> 12, l) * 8)).Pfn << 12;
        }

        return table + (ulong)(PgLevel.Index(gva >> 12, level) * 8);
    }

    public GuestPte Read(ulong entryGpa)
    {
        Span<byte> bytes = stackalloc byte[8];
        _vm.ReadGuestMemory(entryGpa, bytes);
        return GuestPte.FromRaw(BinaryPrimitives.ReadUInt64LittleEndian(bytes));
    }

    private static ulong LeafEntryGpa(ulong gva, ulong table) => table + (ulong)(PgLevel.Index(gva >> 12, PgLevel.Pg4K) * 8);

    private void Write(ulong entryGpa, GuestPte entry)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, entry.Raw);
        _vm.WriteGuestMemory(entryGpa, bytes);
    }

    private void Zero(ulong tableGpa) => _vm.WriteGuestMemory(tableGpa, new byte[PageSize]);
}

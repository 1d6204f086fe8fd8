using System;
using Spte.Runtime.Hardware;

namespace Spte.Runtime;

/// <summary>One guest memory access: what the simulated guest executes next (an instruction's one memory operand).</summary>
/// <param name="Kind">Read, write or instruction fetch.</param>
/// <param name="Gpa">The address: guest-physical while the guest runs with paging off, guest-virtual once it sets CR0.PG (shadow paging).</param>
/// <param name="Size">1, 2, 4 or 8 bytes; an access may straddle a page boundary.</param>
/// <param name="Value">The value a write stores (little-endian).</param>
public sealed record GuestAccess(GuestAccessKind Kind, ulong Gpa, int Size, ulong Value = 0)
{
    /// <summary>A read of <paramref name="size"/> bytes.</summary>
    public static GuestAccess Read(ulong gpa, int size = 8) => new(GuestAccessKind.Read, gpa, size);

    /// <summary>A write of <paramref name="size"/> bytes of <paramref name="value"/>.</summary>
    public static GuestAccess Write(ulong gpa, ulong value, int size = 8) => new(GuestAccessKind.Write, gpa, size, value);

    /// <summary>A one-byte instruction fetch.</summary>
    public static GuestAccess Fetch(ulong gpa) => new(GuestAccessKind.Fetch, gpa, 1);

    /// <summary><c>invlpg</c> of the guest-virtual address <paramref name="gva"/>.</summary>
    public static GuestAccess Invlpg(ulong gva) => new(GuestAccessKind.Invlpg, gva, 1);

    /// <summary><c>mov cr3</c> with <paramref name="cr3"/> (the PML4's guest-physical address).</summary>
    public static GuestAccess MovToCr3(ulong cr3) => new(GuestAccessKind.MovToCr3, cr3, 8, cr3);

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        GuestAccessKind.Write => $"write{Size * 8} 0x{Value:X} to 0x{Gpa:X}",
        GuestAccessKind.Invlpg => $"invlpg 0x{Gpa:X}",
        GuestAccessKind.MovToCr3 => $"mov cr3, 0x{Gpa:X}",
        _ => $"{(Kind == GuestAccessKind.Read ? "read" : "fetch")}{Size * 8} 0x{Gpa:X}",
    };

    internal void Validate(int guestMaxPhyAddr)
    {
        if (Size is not (1 or 2 or 4 or 8))
        {
            throw new ArgumentOutOfRangeException(nameof(Size), Size, "A guest access is 1, 2, 4 or 8 bytes.");
        }

        if (Gpa + (ulong)Size - 1 >= 1UL << guestMaxPhyAddr || Gpa + (ulong)Size < Gpa)
        {
            throw new ArgumentOutOfRangeException(nameof(Gpa), Gpa, $"The access lies beyond the guest's MAXPHYADDR ({guestMaxPhyAddr} bits).");
        }
    }
}

/// <summary>A completed guest access and the value it read (0 for writes).</summary>
/// <param name="Access">The access.</param>
/// <param name="Value">The value read.</param>
public readonly record struct GuestAccessResult(GuestAccess Access, ulong Value);

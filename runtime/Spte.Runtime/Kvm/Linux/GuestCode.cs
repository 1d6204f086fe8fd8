using System;
using System.Collections.Generic;
using Spte.Runtime.Hardware;
using System.IO;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace Spte.Runtime.Linux;

/// <summary>
/// Turns guest accesses into the x86 code that carries them out: 32-bit protected mode with
/// paging off, so every address is guest-physical, one instruction per memory access (an 8-byte
/// access is an MMX <c>movq</c>, which KVM's emulator completes as one 8-byte MMIO). After each
/// access the code stores its count, and a read's value, in the runner's slot (<see cref="RunnerLayout"/>).
/// </summary>
internal static class GuestCode
{
    /// <summary>The guest-physical address bits the generated code reaches.</summary>
    public const int AddressBits = 32;

    /// <summary>The stubs at the runner's fixed addresses.</summary>
    public static byte[] Stubs()
    {
        var more = new Assembler(32);
        more.@out(RunnerLayout.MorePort, al);
        more.jmp(RunnerLayout.Code);
        var halt = new Assembler(32);
        halt.hlt();
        halt.jmp(RunnerLayout.Code);

        var stubs = new byte[RunnerLayout.HaltStub - RunnerLayout.MoreStub + 16];
        Emit(more, RunnerLayout.MoreStub).CopyTo(stubs, 0);
        Emit(halt, RunnerLayout.HaltStub).CopyTo(stubs, RunnerLayout.HaltStub - RunnerLayout.MoreStub);
        return stubs;
    }

    /// <summary>The code of one chunk, placed at <see cref="RunnerLayout.Code"/>, ending in a jump to the stub named by <paramref name="last"/>.</summary>
    /// <exception cref="NotSupportedException">An access this backend's guest cannot make (see the message).</exception>
    public static byte[] Chunk(IReadOnlyList<GuestAccess> accesses, bool last)
    {
        var a = new Assembler(32);
        for (var i = 0; i < accesses.Count; i++)
        {
            Access(a, accesses[i], RunnerLayout.Result(i));
            a.mov(__dword_ptr[RunnerLayout.Count], (uint)(i + 1));
        }

        a.jmp(last ? RunnerLayout.HaltStub : RunnerLayout.MoreStub);
        return Emit(a, RunnerLayout.Code);
    }

    /// <summary>Whether the generated guest can make <paramref name="access"/> (checked when it is added to the program).</summary>
    /// <exception cref="NotSupportedException">It cannot; the message says why.</exception>
    public static void Check(GuestAccess access)
    {
        if (access.Kind is not (GuestAccessKind.Read or GuestAccessKind.Write))
        {
            throw new NotSupportedException($"The real backend's guest makes reads and writes only; '{access}' is not one (a fetch would execute the guest's bytes, invlpg and CR3 loads need guest paging).");
        }

        if (access.Gpa + (ulong)access.Size > RunnerLayout.Base)
        {
            throw new NotSupportedException($"'{access}' reaches the real backend's own slot at [0x{RunnerLayout.Base:X}, 4 GiB).");
        }
    }

    private static void Access(Assembler a, GuestAccess access, uint result)
    {
        var gpa = (uint)access.Gpa;
        var write = access.Kind == GuestAccessKind.Write;
        switch (access.Size)
        {
            case 1 when write: a.mov(__byte_ptr[gpa], (byte)access.Value); break;
            case 2 when write: a.mov(__word_ptr[gpa], (ushort)access.Value); break;
            case 4 when write: a.mov(__dword_ptr[gpa], (uint)access.Value); break;
            case 8 when write:
                a.movq(mm0, __qword_ptr[result]);
                a.movq(__qword_ptr[gpa], mm0);
                break;
            case 1: a.movzx(eax, __byte_ptr[gpa]); a.mov(__dword_ptr[result], eax); break;
            case 2: a.movzx(eax, __word_ptr[gpa]); a.mov(__dword_ptr[result], eax); break;
            case 4: a.mov(eax, __dword_ptr[gpa]); a.mov(__dword_ptr[result], eax); break;
            default:
                a.movq(mm0, __qword_ptr[gpa]);
                a.movq(__qword_ptr[result], mm0);
                break;
        }
    }

    private static byte[] Emit(Assembler a, uint ip)
    {
        using var stream = new MemoryStream();
        a.Assemble(new StreamCodeWriter(stream), ip);
        return stream.ToArray();
    }
}

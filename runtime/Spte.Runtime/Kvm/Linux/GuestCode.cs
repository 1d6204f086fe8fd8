using System;
using System.Collections.Generic;
using System.IO;
using Iced.Intel;
using Spte.Runtime.Hardware;
using static Iced.Intel.AssemblerRegisters;

namespace Spte.Runtime.Linux;

/// <summary>
/// Turns guest accesses into the x86 code that carries them out: 64-bit long mode over an
/// identity map (<see cref="IdentityMap"/>), so every address is guest-physical, one
/// instruction per memory access through a register holding its address. After each access the
/// code stores its count, and a read's value, in the runner's slot (<see cref="RunnerLayout"/>).
/// </summary>
internal static class GuestCode
{
    /// <summary>The stubs at the runner's fixed addresses.</summary>
    public static byte[] Stubs()
    {
        var more = new Assembler(64);
        more.@out(RunnerLayout.MorePort, al);
        more.jmp(RunnerLayout.Code);
        var halt = new Assembler(64);
        halt.hlt();
        halt.jmp(RunnerLayout.Code);

        var stubs = new byte[RunnerLayout.HaltStub - RunnerLayout.MoreStub + 16];
        Emit(more, RunnerLayout.MoreStub).CopyTo(stubs, 0);
        Emit(halt, RunnerLayout.HaltStub).CopyTo(stubs, RunnerLayout.HaltStub - RunnerLayout.MoreStub);
        return stubs;
    }

    /// <summary>
    /// The code of one chunk, placed at <see cref="RunnerLayout.Code"/>, ending in a jump to the
    /// stub named by <paramref name="last"/>; <paramref name="map"/> is grown to cover every access.
    /// </summary>
    public static byte[] Chunk(IReadOnlyList<GuestAccess> accesses, bool last, IdentityMap map)
    {
        var a = new Assembler(64);
        a.mov(rsi, (ulong)RunnerLayout.Count);
        for (var i = 0; i < accesses.Count; i++)
        {
            var access = accesses[i];
            map.Map(access.Gpa);
            map.Map(access.Gpa + (ulong)access.Size - 1);
            Access(a, access, RunnerLayout.Result(i));
            a.mov(__dword_ptr[rsi], (uint)(i + 1));
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
            throw new NotSupportedException($"The real backend's guest makes reads and writes only; '{access}' is not one (a fetch would execute the guest's bytes, invlpg and CR3 loads need the guest's own page tables).");
        }

        if (access.Gpa < (ulong)RunnerLayout.Base + RunnerLayout.Size && access.Gpa + (ulong)access.Size > RunnerLayout.Base)
        {
            throw new NotSupportedException($"'{access}' reaches the real backend's own slot at [0x{RunnerLayout.Base:X}, 4 GiB).");
        }
    }

    private static void Access(Assembler a, GuestAccess access, uint result)
    {
        a.mov(rbx, access.Gpa);
        if (access.Kind == GuestAccessKind.Write)
        {
            a.mov(rcx, access.Value);
            switch (access.Size)
            {
                case 1: a.mov(__byte_ptr[rbx], cl); break;
                case 2: a.mov(__word_ptr[rbx], cx); break;
                case 4: a.mov(__dword_ptr[rbx], ecx); break;
                default: a.mov(__qword_ptr[rbx], rcx); break;
            }

            return;
        }

        switch (access.Size)
        {
            case 1: a.movzx(eax, __byte_ptr[rbx]); break;
            case 2: a.movzx(eax, __word_ptr[rbx]); break;
            case 4: a.mov(eax, __dword_ptr[rbx]); break;
            default: a.mov(rax, __qword_ptr[rbx]); break;
        }

        a.mov(rdx, (ulong)result);
        a.mov(__qword_ptr[rdx], rax);
    }

    private static byte[] Emit(Assembler a, uint ip)
    {
        using var stream = new MemoryStream();
        a.Assemble(new StreamCodeWriter(stream), ip);
        return stream.ToArray();
    }
}

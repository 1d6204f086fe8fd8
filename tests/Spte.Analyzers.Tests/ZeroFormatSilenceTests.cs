using System.Threading.Tasks;
using Xunit;
using Verify = Spte.Analyzers.Tests.Infrastructure.Verifier<Spte.Analyzers.CodeFixes.NonPresentCodeFixProvider>;

namespace Spte.Analyzers.Tests;

/// <summary>
/// Precision: every form SPTE1001–SPTE1003 catch, written on NptSpte, whose non-present value is 0
/// and which declares no special value, so zero is its empty entry and comparing with it is exact.
/// One test per rule, each listing the forms of that rule's docs table.
/// </summary>
public sealed class ZeroFormatSilenceTests
{
    [Fact]
    public Task Raw_zero_forms_stay_silent_on_a_zero_non_present_format() => Verify.DiagnosticsAsync(
        """
        using System;
        using System.Collections.Generic;
        using System.Runtime.CompilerServices;
        using System.Runtime.InteropServices;
        using System.Threading;
        using Spte;
        using Kvm;

        class Mmu
        {
            [SpteSlot(typeof(NptSpte))] ulong[] _npt = null!;
            [SpteSlot(typeof(NptSpte))] ulong _root;
            NptSpte[] _table = NptSpte.NewTable(2);
            List<NptSpte> _log = new();

            NptSpte Empty() => default;

            [return: SpteSlot(typeof(NptSpte))]
            ulong EmptyRaw() => 0;

            void Store(NptSpte e) { }

            void Zap(out NptSpte e) => e = default;

            void Set(NptSpte e = default, [SpteSlot(typeof(NptSpte))] ulong raw = 0) { }

            static void ClearEntry(ref ulong e) => e = 0;

            static void ZapOut(out ulong e) => e = 0;

            static ulong Zero() => 0;

            void All(int i, bool b, int level, ref NptSpte e)
            {
                _table[i] = default;
                _table[i] = new NptSpte();
                _table[i] = NptSpte.FromRaw(0);
                _table[i] = b ? NptSpte.NonPresent : default;
                _table[i] = level switch { 0 => default, _ => NptSpte.NonPresent };
                (_table[0], _table[1]) = (default, default);
                _table[i] = default(NptSpte) with { };
                NptSpte[] fresh = [default, default];
                Store(default);
                _log.Add(default);
                _npt[i] = 0;
                _npt[i] = ulong.MinValue;
                _npt[i] = b ? 0UL : 1UL;
                (_npt[0], _npt[1]) = (0, 0);
                _npt[i] &= 0;
                _root ^= _root;
                _npt = [0, 0];
                Interlocked.Exchange(ref _npt[i], 0);
                Interlocked.CompareExchange(ref _npt[i], 5, 0);
                Volatile.Write(ref _npt[i], 0);
                MemoryMarshal.Cast<NptSpte, ulong>(_table.AsSpan())[i] = 0;
                Unsafe.As<NptSpte, ulong>(ref e) = 0;
                ClearEntry(ref _npt[i]);
                ZapOut(out _root);
                _root = Zero();
            }
        }
        """);

    [Fact]
    public Task Zero_filled_table_forms_stay_silent_on_a_zero_non_present_format() => Verify.DiagnosticsAsync(
        """
        using System;
        using System.Buffers;
        using System.Linq;
        using System.Runtime.CompilerServices;
        using System.Runtime.InteropServices;
        using Spte;
        using Kvm;

        unsafe class Mmu
        {
            [SpteSlot(typeof(NptSpte))] ulong[] _npt = new ulong[512];
            [SpteSlot(typeof(NptSpte))] ulong* _pt;
            NptSpte[] _table = new NptSpte[512];

            static void ResetTable(ulong[] table) => Array.Clear(table);

            static ulong[] AllocTable() => new ulong[512];

            void All(int n, Span<NptSpte> span, NptSpte* typed)
            {
                var a = new NptSpte[n];
                Span<NptSpte> b = stackalloc NptSpte[8];
                NptSpte* c = stackalloc NptSpte[8];
                var d = GC.AllocateUninitializedArray<NptSpte>(n);
                var e = GC.AllocateArray<NptSpte>(n, pinned: true);
                var f = ArrayPool<NptSpte>.Shared.Rent(n);
                var g = (NptSpte*)NativeMemory.AllocZeroed(4096);
                Array.Clear(_table);
                span.Clear();
                span.Fill(default);
                Array.Fill(_table, default(NptSpte));
                Array.Resize(ref _table, 1024);
                Unsafe.InitBlock(typed, 0, 4096);
                NativeMemory.Clear(typed, 4096);
                MemoryMarshal.Cast<NptSpte, ulong>(span).Clear();
                _npt = new ulong[n];
                _npt = GC.AllocateArray<ulong>(n);
                _npt = ArrayPool<ulong>.Shared.Rent(n);
                _npt = Enumerable.Repeat(0UL, n).ToArray();
                _npt = [.. new ulong[8]];
                var spread = new ulong[8];
                _npt = [.. spread];
                NptSpte[] h = [.. new NptSpte[8]];
                ulong[] other;
                (_npt, other) = (new ulong[8], _npt);
                _pt = (ulong*)NativeMemory.AllocZeroed(4096);
                Array.Clear(_npt);
                _npt.AsSpan().Clear();
                _npt.AsSpan().Fill(0);
                Array.Fill(_npt, 0UL);
                Array.Resize(ref _npt, 1024);
                Unsafe.InitBlockUnaligned(_pt, 0, 4096);
                ResetTable(_npt);
                _npt = AllocTable();
            }
        }
        """);

    [Fact]
    public Task Presence_test_forms_stay_silent_on_a_zero_non_present_format() => Verify.DiagnosticsAsync(
        """
        using System.Collections.Generic;
        using Spte;
        using Kvm;

        class Mmu
        {
            [SpteSlot(typeof(NptSpte))] ulong[] _npt = null!;

            int All(int i, NptSpte e, IEqualityComparer<NptSpte> comparer)
            {
                var n = 0;
                if (e.Raw == 0) n++;
                if (e.Raw != NptSpte.NonPresentValue) n++;
                if (e == default) n++;
                if (e != NptSpte.NonPresent) n++;
                if (e.Equals(default)) n++;
                if (EqualityComparer<NptSpte>.Default.Equals(e, default)) n++;
                if (comparer.Equals(NptSpte.NonPresent, e)) n++;
                if (object.Equals(e, default(NptSpte))) n++;
                if (e.Raw > 0) n++;
                if (e.Raw is 0) n++;
                if (e.Raw is not 0) n++;
                if (e.Raw is > 0) n++;
                if (e is { Raw: 0 }) n++;
                if (e.Raw is 0 or NptSpte.NonPresentValue) n++;
                if (_npt[i] != 0) n++;
                if ((e.Raw, _npt[i]) == (0, NptSpte.NonPresentValue)) n++;
                if (0 < _npt[i]) n++;
                switch (_npt[i])
                {
                    case 0:
                        n++;
                        break;
                }

                return n + e switch
                {
                    { Raw: 0 } => 1,
                    _ => e.Raw switch { 0 => 2, _ => 3 },
                };
            }
        }
        """);
}

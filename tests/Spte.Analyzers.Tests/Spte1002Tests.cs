using System.Threading.Tasks;
using Xunit;
using Verify = Spte.Analyzers.Tests.Infrastructure.Verifier<Spte.Analyzers.CodeFixes.ZeroFilledTableCodeFixProvider>;

namespace Spte.Analyzers.Tests;

/// <summary>SPTE1002: tables of entries created or reset zero-filled.</summary>
public sealed class Spte1002Tests
{
    [Fact]
    public Task Typed_allocations_become_NewTable() => Verify.FixAsync(
        """
        using System;
        using Spte;
        using Kvm;

        class Mmu
        {
            EptSpte[] _root = {|SPTE1002:new EptSpte[512]|};

            EptSpte[] Alloc(int n)
            {
                var table = {|SPTE1002:new EptSpte[n]|};
                EptSpte[] uninitialised = {|SPTE1002:GC.AllocateUninitializedArray<EptSpte>(512)|};
                return {|SPTE1002:GC.AllocateArray<EptSpte>(n)|};
            }

            static T[] Generic<T>(int n) where T : struct, ISpte<T> => {|SPTE1002:new T[n]|};
        }
        """,
        """
        using System;
        using Spte;
        using Kvm;

        class Mmu
        {
            EptSpte[] _root = EptSpte.NewTable(512);

            EptSpte[] Alloc(int n)
            {
                var table = EptSpte.NewTable(n);
                EptSpte[] uninitialised = EptSpte.NewTable(512);
                return EptSpte.NewTable(n);
            }

            static T[] Generic<T>(int n) where T : struct, ISpte<T> => T.NewTable(n);
        }
        """);

    [Fact]
    public Task Clearing_and_zero_fills_become_fills_with_NonPresent() => Verify.FixAsync(
        """
        using System;
        using Kvm;

        class Mmu
        {
            void Reset(EptSpte[] table, Span<EptSpte> span, Span<EptSpte.Leaf> leaves)
            {
                {|SPTE1002:Array.Clear(table)|};
                {|SPTE1002:Array.Clear(table, 0, 8)|};
                {|SPTE1002:span.Clear()|};
                {|SPTE1002:table.AsSpan(8).Clear()|};
                span.Fill({|SPTE1002:default|});
                span.Fill({|SPTE1002:new EptSpte()|});
                Array.Fill(table, {|SPTE1002:default(EptSpte)|});
                {|SPTE1002:leaves.Clear()|};
            }
        }
        """,
        """
        using System;
        using Kvm;

        class Mmu
        {
            void Reset(EptSpte[] table, Span<EptSpte> span, Span<EptSpte.Leaf> leaves)
            {
                Array.Fill(table, EptSpte.NonPresent);
                Array.Fill(table, EptSpte.NonPresent, 0, 8);
                span.Fill(EptSpte.NonPresent);
                table.AsSpan(8).Fill(EptSpte.NonPresent);
                span.Fill(EptSpte.NonPresent);
                span.Fill(EptSpte.NonPresent);
                Array.Fill(table, EptSpte.NonPresent);
                leaves.Fill(EptSpte.Leaf.FromRaw(EptSpte.NonPresentValue));
            }
        }
        """);

    [Fact]
    public Task Allocations_that_must_stay_are_filled_right_after() => Verify.FixAsync(
        """
        using System;
        using Kvm;

        class Mmu
        {
            EptSpte[] _pinned = null!;

            void Alloc()
            {
                Span<EptSpte> scratch = {|SPTE1002:stackalloc EptSpte[8]|};
                EptSpte[] pinned = {|SPTE1002:GC.AllocateArray<EptSpte>(512, pinned: true)|};
                _pinned = {|SPTE1002:GC.AllocateUninitializedArray<EptSpte>(512, true)|};
                EptSpte.Leaf[] leaves = {|SPTE1002:new EptSpte.Leaf[4]|};
                var wide = {|SPTE1002:new EptSpte[512L]|};
            }
        }
        """,
        """
        using System;
        using Kvm;

        class Mmu
        {
            EptSpte[] _pinned = null!;

            void Alloc()
            {
                Span<EptSpte> scratch = stackalloc EptSpte[8];
                scratch.Fill(EptSpte.NonPresent);
                EptSpte[] pinned = GC.AllocateArray<EptSpte>(512, pinned: true);
                Array.Fill(pinned, EptSpte.NonPresent);
                _pinned = GC.AllocateUninitializedArray<EptSpte>(512, true);
                Array.Fill(_pinned, EptSpte.NonPresent);
                EptSpte.Leaf[] leaves = new EptSpte.Leaf[4];
                Array.Fill(leaves, EptSpte.Leaf.FromRaw(EptSpte.NonPresentValue));
                var wide = new EptSpte[512L];
                Array.Fill(wide, EptSpte.NonPresent);
            }
        }
        """);

    [Fact]
    public Task Raw_slot_tables_are_filled_with_NonPresentValue() => Verify.FixAsync(
        """
        using System;
        using Spte;
        using Kvm;

        unsafe class Mmu
        {
            [SpteSlot(typeof(EptSpte))] public ulong[] Table = null!;
            [SpteSlot(typeof(EptSpte))] public ulong* Pt;

            void Walk([SpteSlot(typeof(EptSpte))] Span<ulong> table) { }

            void Reset(int n, [SpteSlot(typeof(EptSpte))] Span<ulong> span)
            {
                Table = {|SPTE1002:new ulong[512]|};
                var fresh = {|SPTE1002:new ulong[n]|};
                Table = fresh;
                Span<ulong> scratch = {|SPTE1002:stackalloc ulong[512]|};
                Walk(scratch);
                {|SPTE1002:Array.Clear(Table)|};
                {|SPTE1002:span.Clear()|};
                {|SPTE1002:new Span<ulong>(Pt, 512).Clear()|};
                span.Fill({|SPTE1002:0|});
                Array.Fill(Table, {|SPTE1002:0UL|});
            }
        }
        """,
        """
        using System;
        using Spte;
        using Kvm;

        unsafe class Mmu
        {
            [SpteSlot(typeof(EptSpte))] public ulong[] Table = null!;
            [SpteSlot(typeof(EptSpte))] public ulong* Pt;

            void Walk([SpteSlot(typeof(EptSpte))] Span<ulong> table) { }

            void Reset(int n, [SpteSlot(typeof(EptSpte))] Span<ulong> span)
            {
                Table = new ulong[512];
                Array.Fill(Table, EptSpte.NonPresentValue);
                var fresh = new ulong[n];
                Array.Fill(fresh, EptSpte.NonPresentValue);
                Table = fresh;
                Span<ulong> scratch = stackalloc ulong[512];
                scratch.Fill(EptSpte.NonPresentValue);
                Walk(scratch);
                Array.Fill(Table, EptSpte.NonPresentValue);
                span.Fill(EptSpte.NonPresentValue);
                new Span<ulong>(Pt, 512).Fill(EptSpte.NonPresentValue);
                span.Fill(EptSpte.NonPresentValue);
                Array.Fill(Table, EptSpte.NonPresentValue);
            }
        }
        """);

    [Fact]
    public Task Native_memory_and_unfixable_positions_are_reported_without_a_fix() => Verify.DiagnosticsAsync(
        """
        using System.Runtime.InteropServices;
        using Spte;
        using Kvm;

        unsafe class Mmu
        {
            [SpteSlot(typeof(EptSpte))] public ulong[] Table = {|SPTE1002:new ulong[512]|};
            [SpteSlot(typeof(EptSpte))] public ulong* Pt;

            [return: SpteSlot(typeof(EptSpte))]
            ulong[] AllocTable() => {|SPTE1002:new ulong[512]|};

            [return: SpteSlot(typeof(EptSpte))]
            ulong* AllocNative() => (ulong*){|SPTE1002:NativeMemory.AllocZeroed(4096)|};

            void Native()
            {
                Pt = (ulong*){|SPTE1002:NativeMemory.AllocZeroed(512, 8)|};
                {|SPTE1002:NativeMemory.Clear(Pt, 4096)|};
                var typed = (EptSpte*){|SPTE1002:NativeMemory.AllocZeroed(512, 8)|};
                {|SPTE1002:NativeMemory.Clear(typed, 4096)|};
                EptSpte* scratch = {|SPTE1002:stackalloc EptSpte[8]|};
                var grid = {|SPTE1002:new EptSpte[2, 2]|};
            }
        }
        """);

    [Fact]
    public Task Correct_code_and_zero_non_present_formats_stay_silent() => Verify.DiagnosticsAsync(
        """
        using System;
        using System.Runtime.InteropServices;
        using Spte;
        using Kvm;

        unsafe class Correct
        {
            [SpteSlot(typeof(NptSpte))] ulong[] NptTable = new ulong[512];
            ulong[] _counters = new ulong[4];

            void M(Span<EptSpte> span, EptSpte[] table, Span<ulong> unmarked)
            {
                var fresh = EptSpte.NewTable(512);
                span.Fill(EptSpte.NonPresent);
                span.Fill(EptSpte.Frozen);
                Array.Fill(table, EptSpte.NonPresent);
                var empty = new EptSpte[0];
                var listed = new EptSpte[] { EptSpte.NonPresent, EptSpte.Frozen };

                // Allocated, then filled by the very next statement: how NewTable itself is written.
                var manual = new EptSpte[8];
                Array.Fill(manual, EptSpte.NonPresent);
                Span<EptSpte> scratch = stackalloc EptSpte[4];
                scratch.Fill(EptSpte.NonPresent);

                // Unmarked ulong storage is not a table of entries.
                var counters = new ulong[8];
                Array.Clear(_counters);
                unmarked.Clear();
                Span<ulong> rawScratch = stackalloc ulong[16];
                var bytes = (byte*)NativeMemory.AllocZeroed(64);

                // Zero is the non-present value of NptSpte.
                var npt = new NptSpte[512];
                Array.Clear(npt);
                npt.AsSpan().Fill(default);
                Array.Clear(NptTable);
            }
        }
        """);

    [Theory]
    [InlineData("{0}.AsSpan()")]
    [InlineData("MemoryExtensions.AsSpan({0})")]
    [InlineData("new Span<{1}>({0})")]
    public Task Allocations_filled_right_after_through_a_whole_array_span_stay_silent(string span) => Verify.DiagnosticsAsync(
        $$"""
        using System;
        using Spte;
        using Kvm;

        class Mmu
        {
            [SpteSlot(typeof(EptSpte))] ulong[] _slots = null!;

            void Reset(int n)
            {
                _slots = new ulong[512];
                {{string.Format(span, "_slots", "ulong")}}.Fill(EptSpte.NonPresentValue);
                var table = new EptSpte[n];
                {{string.Format(span, "table", "EptSpte")}}.Fill(EptSpte.NonPresent);
            }
        }
        """);

    [Fact]
    public Task Zero_or_partial_fills_through_a_span_do_not_excuse_the_allocation() => Verify.DiagnosticsAsync(
        """
        using System;
        using Spte;
        using Kvm;

        class Mmu
        {
            [SpteSlot(typeof(EptSpte))] ulong[] _slots = null!;

            void Reset(int n)
            {
                _slots = {|SPTE1002:new ulong[512]|};
                _slots.AsSpan().Fill({|SPTE1002:0|});
                var table = {|SPTE1002:new EptSpte[n]|};
                table.AsSpan().Fill({|SPTE1002:default|});
                var wrapped = {|SPTE1002:new EptSpte[n]|};
                new Span<EptSpte>(wrapped).Fill({|SPTE1002:default(EptSpte)|});
                var tail = {|SPTE1002:new EptSpte[n]|};
                tail.AsSpan(1).Fill(EptSpte.NonPresent);
            }
        }
        """);
}

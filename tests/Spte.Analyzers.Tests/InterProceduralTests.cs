using System.Threading.Tasks;
using Xunit;
using Verify = Spte.Analyzers.Tests.Infrastructure.Verifier<Spte.Analyzers.CodeFixes.NonPresentCodeFixProvider>;

namespace Spte.Analyzers.Tests;

/// <summary>
/// SPTE1001/SPTE1002 through helpers of the compilation: reported at the call that hands a slot
/// to a helper that zeroes it, or stores a helper's zero result in a slot.
/// </summary>
public sealed class InterProceduralTests
{
    [Fact]
    public Task Helpers_that_zero_a_slot_passed_to_them_are_reported_at_the_call_across_files_and_partial_classes() => Verify.DiagnosticsAsync(
        ("/0/Zap.cs", """
        using Kvm;

        partial class ShadowMmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;
            [Spte.SpteSlot(typeof(EptSpte))] ulong _root;

            void DropSpte(int i)
            {
                {|SPTE1001:ClearEntry(ref _spt[i])|};
                {|SPTE1001:Helpers.Zap(out _root)|};
                {|SPTE1002:ResetTable(_spt)|};
                {|SPTE1001:ZapThrough(ref _spt[i])|};
                {|SPTE1001:Helpers.ZapElement(_spt, i)|};
            }
        }
        """),
        ("/0/Helpers.cs", """
        using System;

        partial class ShadowMmu
        {
            static void ClearEntry(ref ulong e) { e = 0; }

            static void ResetTable(ulong[] table) => Array.Clear(table);

            static void ZapThrough(ref ulong e) => ClearEntry(ref e);
        }

        static class Helpers
        {
            public static void Zap(out ulong e) => e = 0;

            public static void ZapElement(Span<ulong> table, int i) => table[i] = 0;
        }
        """));

    [Fact]
    public Task The_message_names_the_helper_and_what_it_does() => Verify.DiagnosticsAsync(
        """
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong _root;

            void Drop() => {|#0:ClearEntry(ref _root)|};

            static void ClearEntry(ref ulong e) { e = 0; }
        }
        """,
        string.Empty,
        new Microsoft.CodeAnalysis.Testing.DiagnosticResult("SPTE1001", Microsoft.CodeAnalysis.DiagnosticSeverity.Warning)
            .WithLocation(0)
            .WithArguments(
                "ClearEntry(ref _root)",
                "EptSpte",
                "0x8000000000000000",
                "EptSpte.NonPresentValue in 'Mmu.ClearEntry', which writes 0 into its parameter 'e' (no automatic fix at the call: change the helper)"));

    [Fact]
    public Task Helpers_whose_zero_results_land_in_slots_are_reported_at_the_call() => Verify.DiagnosticsAsync(
        ("/0/Alloc.cs", """
        using Kvm;

        partial class ShadowMmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;
            [Spte.SpteSlot(typeof(EptSpte))] ulong _root;

            void NewPage(int i)
            {
                _spt = {|SPTE1002:AllocTable()|};
                _spt = {|SPTE1002:AllocStaged()|};
                _root = {|SPTE1001:EmptyRoot()|};
                var staged = {|SPTE1002:AllocTable()|};
                _spt = staged;
            }
        }
        """),
        ("/0/Helpers.cs", """
        partial class ShadowMmu
        {
            static ulong[] AllocTable() => new ulong[512];

            static ulong[] AllocStaged()
            {
                var table = new ulong[512];
                return table;
            }

            static ulong EmptyRoot() => 0;
        }
        """));

    [Fact]
    public Task Helpers_stay_silent_on_zero_formats_non_zero_writes_copies_unmarked_callers_and_deeper_chains() => Verify.DiagnosticsAsync(
        ("/0/Callers.cs", """
        using Kvm;

        partial class ShadowMmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;
            [Spte.SpteSlot(typeof(NptSpte))] ulong[] _npt;
            ulong[] _plain = new ulong[512];

            void Callers(int i)
            {
                ClearEntry(ref _npt[i]);
                ClearEntry(ref _plain[i]);
                SetEntry(ref _spt[i]);
                ByValue(_spt[i]);
                FillTable(_spt);
                _npt = AllocTable();
                _plain = AllocTable();
                _spt = AllocFilled();
                MarkedHelper(ref _spt[i]);
                Depth1(ref _spt[i]);
            }
        }
        """),
        ("/0/Helpers.cs", """
        using System;
        using Kvm;

        partial class ShadowMmu
        {
            static void ClearEntry(ref ulong e) { e = 0; }

            static void SetEntry(ref ulong e) { e = EptSpte.NonPresentValue; }

            static void ByValue(ulong e) { e = 0; }

            static void FillTable(ulong[] t) => Array.Fill(t, EptSpte.NonPresentValue);

            static ulong[] AllocTable() => new ulong[512];

            static ulong[] AllocFilled()
            {
                var table = new ulong[512];
                Array.Fill(table, EptSpte.NonPresentValue);
                return table;
            }

            // Reported inside the helper (a marked parameter is a slot), not again at the call.
            static void MarkedHelper([Spte.SpteSlot(typeof(EptSpte))] ref ulong e) { e = {|SPTE1001:0|}; }

            // Four helpers deep: past the bound of three.
            static void Depth1(ref ulong e) => Depth2(ref e);

            static void Depth2(ref ulong e) => Depth3(ref e);

            static void Depth3(ref ulong e) => Depth4(ref e);

            static void Depth4(ref ulong e) { e = 0; }
        }
        """));

    [Fact]
    public Task Zeros_written_through_out_and_ref_locals_that_reach_a_slot_are_reported_at_the_call() => Verify.DiagnosticsAsync(
        """
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;
            [Spte.SpteSlot(typeof(NptSpte))] ulong[] _npt;

            void Zap(int i)
            {
                {|SPTE1001:Empty(out var fresh)|};
                _spt[i] = fresh;
                ulong staged = EptSpte.FrozenValue;
                {|SPTE1001:Clear(ref staged)|};
                _spt[i + 1] = staged;
                Empty(out var npt);
                _npt[i] = npt;
                Empty(out var count);
                System.Console.WriteLine(count);
            }

            static void Empty(out ulong e) => e = 0;

            static void Clear(ref ulong e) => e = 0;
        }
        """);

    [Fact]
    public Task Generic_helpers_zero_a_slot_through_T_Zero_and_default_T() => Verify.DiagnosticsAsync(
        """
        using System;
        using System.Numerics;
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;
            [Spte.SpteSlot(typeof(NptSpte))] ulong[] _npt;

            void Zap(int i)
            {
                {|SPTE1001:Clear(ref _spt[i])|};
                {|SPTE1002:Reset<ulong>(_spt)|};
                Clear(ref _npt[i]);
                Reset<ulong>(_npt);
                Keep(ref _spt[i]);
            }

            static void Clear<T>(ref T e) where T : INumberBase<T> => e = T.Zero;

            static void Reset<T>(Span<T> table) => table.Fill(default(T));

            static void Keep<T>(ref T e) where T : INumberBase<T> => e = T.One;
        }
        """);

    [Fact]
    public Task Code_that_declares_no_format_is_silent_through_helpers() => Verify.DiagnosticsAsync(
        """
        using System;

        class Allocator
        {
            ulong[] _table = new ulong[512];

            void Reset(int i)
            {
                Clear(ref _table[i]);
                _table = Alloc();
                Array.Clear(_table);
            }

            static void Clear(ref ulong e) => e = 0;

            static ulong[] Alloc() => new ulong[512];
        }
        """);
}

using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = Spte.Analyzers.Tests.Infrastructure.Verifier<Spte.Analyzers.CodeFixes.NonPresentCodeFixProvider>;

namespace Spte.Analyzers.Tests;

/// <summary>
/// Forms with no safe mechanical rewrite: the message says so (and the rule's page shows the hand
/// fix), so a user who finds no light bulb knows it is not missing by accident.
/// </summary>
public sealed class NoFixMessageTests
{
    private const string NoFix = " (no automatic fix: see the rule's page for the hand rewrite)";

    [Fact]
    public Task Resize_InitBlock_native_memory_spread_and_deconstructed_allocations_say_there_is_no_automatic_fix() => Verify.DiagnosticsAsync(
        """
        using System;
        using System.Runtime.CompilerServices;
        using System.Runtime.InteropServices;
        using Kvm;

        unsafe class Mmu
        {
            EptSpte[] _table = EptSpte.NewTable(2);
            [Spte.SpteSlot(typeof(EptSpte))] ulong* _pt;
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;

            void Grow()
            {
                _spt = [.. {|#3:new ulong[512]|}];
                ulong[] other;
                (_spt, other) = ({|#4:new ulong[8]|}, _spt);
                {|#0:Array.Resize(ref _table, 1024)|};
                {|#1:Unsafe.InitBlock(_pt, 0, 4096)|};
                {|#2:NativeMemory.Clear(_pt, 4096)|};
            }
        }
        """,
        string.Empty,
        Table(0, "Array.Resize(ref _table, 1024)", "fill it with EptSpte.NonPresent" + NoFix),
        Table(1, "Unsafe.InitBlock(_pt, 0, 4096)", "fill it with EptSpte.NonPresentValue" + NoFix),
        Table(2, "NativeMemory.Clear(_pt, 4096)", "fill it with EptSpte.NonPresentValue" + NoFix),
        Table(3, "new ulong[512]", "fill it with EptSpte.NonPresentValue" + NoFix),
        Table(4, "new ulong[8]", "fill it with EptSpte.NonPresentValue" + NoFix));

    [Fact]
    public Task Switch_cases_tuple_comparisons_and_parameter_defaults_say_there_is_no_automatic_fix() => Verify.DiagnosticsAsync(
        """
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;

            void Set(int i, EptSpte value = {|#0:default|}) { }

            int Kind(int i)
            {
                switch ({|#3:_spt[i]|})
                {
                    {|#1:case 0 or EptSpte.NonPresentValue:|}
                        return 0;
                    default:
                        return 1;
                }
            }

            string Name(EptSpte e) => {|#4:e|}.Raw switch
            {
                {|#2:0|} => "zero",
                _ => "other",
            };

            bool Both(EptSpte a, EptSpte b) => ({|#5:{|#7:a|}.Raw|}, {|#6:{|#8:b|}.Raw|}) == (0, EptSpte.NonPresentValue);
        }
        """,
        string.Empty,
        new DiagnosticResult("SPTE1001", DiagnosticSeverity.Warning).WithLocation(0)
            .WithArguments("default", "EptSpte", "0x8000000000000000", "EptSpte.NonPresent" + NoFix),
        new DiagnosticResult("SPTE1003", DiagnosticSeverity.Warning).WithLocation(1).WithLocation(3)
            .WithArguments("case 0 or EptSpte.NonPresentValue:", "EptSpte", "zero", "!EptSpte.FromRaw(_spt[i]).IsPresent" + NoFix),
        new DiagnosticResult("SPTE1003", DiagnosticSeverity.Warning).WithLocation(2).WithLocation(4)
            .WithArguments("0", "EptSpte", "zero", "!e.IsPresent" + NoFix),
        new DiagnosticResult("SPTE1003", DiagnosticSeverity.Warning).WithLocation(5).WithLocation(7)
            .WithArguments("a.Raw", "EptSpte", "zero", "!a.IsPresent" + NoFix),
        new DiagnosticResult("SPTE1003", DiagnosticSeverity.Warning).WithLocation(6).WithLocation(8)
            .WithArguments("b.Raw", "EptSpte", "the non-present value", "!b.IsPresent" + NoFix));

    private static DiagnosticResult Table(int location, string text, string advice) =>
        new DiagnosticResult("SPTE1002", DiagnosticSeverity.Warning).WithLocation(location)
            .WithArguments(text, "EptSpte", "0x8000000000000000", advice);
}

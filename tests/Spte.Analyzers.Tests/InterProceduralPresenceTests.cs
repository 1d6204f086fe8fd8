using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = Spte.Analyzers.Tests.Infrastructure.Verifier<Spte.Analyzers.CodeFixes.IsPresentCodeFixProvider>;

namespace Spte.Analyzers.Tests;

/// <summary>
/// SPTE1003 through helpers of the compilation: a slot value handed to a helper that compares its
/// parameter with zero is reported at the call, naming the helper, without a fix.
/// </summary>
public sealed class InterProceduralPresenceTests
{
    [Fact]
    public Task Helpers_that_compare_a_slot_value_with_zero_are_reported_at_the_call_across_files_and_partial_classes() => Verify.DiagnosticsAsync(
        ("/0/Sync.cs", """
        using Kvm;

        partial class ShadowMmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;
            [Spte.SpteSlot(typeof(MmioSpte))] ulong _mmio;

            int Sync()
            {
                var n = 0;
                for (var i = 0; i < _spt.Length; i++)
                {
                    if ({|SPTE1003:IsEmpty(_spt[i])|})
                        continue;
                    n++;
                }

                ulong old = _spt[0];
                if ({|SPTE1003:Helpers.IsLive(old)|}) n++;
                if ({|SPTE1003:Through(_spt[1])|}) n++;
                if ({|SPTE1003:IsZero(_spt[2])|}) n++;
                if ({|SPTE1003:IsEmpty(_mmio)|}) n++;
                if ({|SPTE1003:Helpers.Patterned(_spt[3])|}) n++;
                return n;
            }
        }
        """),
        ("/0/Helpers.cs", """
        using System.Numerics;

        partial class ShadowMmu
        {
            static bool IsEmpty(ulong e) => e == 0;

            static bool Through(ulong e) => !IsEmpty(e);

            static bool IsZero<T>(T v) where T : INumberBase<T> => v == T.Zero;
        }

        static class Helpers
        {
            public static bool IsLive(ulong e) => 0 < e;

            public static bool Patterned(ulong e) => e is not 0;
        }
        """));

    [Fact]
    public Task The_message_names_the_helper_and_its_comparison() => Verify.DiagnosticsAsync(
        """
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;

            bool Live(int i) => !{|#0:IsEmpty(_spt[i])|};

            static bool IsEmpty(ulong e) => e == 0;
        }
        """,
        string.Empty,
        new DiagnosticResult("SPTE1003", DiagnosticSeverity.Warning)
            .WithLocation(0)
            .WithArguments(
                "IsEmpty(_spt[i])",
                "EptSpte",
                "zero",
                "EptSpte.FromRaw(_spt[i]).IsPresent in 'Mmu.IsEmpty', which compares its parameter 'e' with zero (e == 0) (no automatic fix at the call: change the helper)"));

    [Fact]
    public Task Comparing_helpers_stay_silent_on_zero_formats_fields_other_values_unmarked_values_and_deeper_chains() => Verify.DiagnosticsAsync(
        """
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;
            [Spte.SpteSlot(typeof(NptSpte))] ulong[] _npt;
            ulong[] _plain = new ulong[4];

            int Callers(int i)
            {
                var n = 0;
                if (IsEmpty(_npt[i])) n++;
                if (IsEmpty(_plain[i])) n++;
                if (IsEmpty(_spt[i] & EptSpte.PfnMask)) n++;
                if (IsFive(_spt[i])) n++;
                if (PfnZero(_spt[i])) n++;
                if (Marked(_spt[i])) n++;
                if (Depth1(_spt[i])) n++;
                return n;
            }

            static bool IsEmpty(ulong e) => e == 0;

            static bool IsFive(ulong e) => e == 5;

            static bool PfnZero(ulong e) => (e & EptSpte.PfnMask) == 0;

            // Reported inside the helper (a marked parameter is a slot), not again at the call.
            static bool Marked([Spte.SpteSlot(typeof(EptSpte))] ulong e) => {|SPTE1003:e == 0|};

            // Four helpers deep: past the bound of three.
            static bool Depth1(ulong e) => Depth2(e);

            static bool Depth2(ulong e) => Depth3(e);

            static bool Depth3(ulong e) => Depth4(e);

            static bool Depth4(ulong e) => e == 0;
        }
        """);
}

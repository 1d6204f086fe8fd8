using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = Spte.Analyzers.Tests.Infrastructure.Verifier<Spte.Analyzers.CodeFixes.IsPresentCodeFixProvider>;

namespace Spte.Analyzers.Tests;

/// <summary>SPTE1003 through negated and combined patterns, ternaries, <c>ulong.MinValue</c>, and comparers beyond <c>EqualityComparer&lt;T&gt;.Default</c>.</summary>
public sealed class PresencePatternTests
{
    [Fact]
    public Task Negated_and_combined_patterns_and_other_comparers_become_IsPresent() => Verify.FixAsync(
        """
        using System.Collections.Generic;
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;

            bool A(EptSpte e) => {|SPTE1003:e.Raw is not 0|};
            bool B(EptSpte e) => {|SPTE1003:e.Raw is 0 or EptSpte.NonPresentValue|};
            bool C(int i) => {|SPTE1003:_spt[i] is not 0 and not EptSpte.NonPresentValue|};
            bool D(EptSpte e) => {|SPTE1003:e is not ({ Raw: 0 } or { Raw: EptSpte.NonPresentValue })|};
            bool E(EptSpte e) => {|SPTE1003:object.Equals(e, default(EptSpte))|};
            bool F(EptSpte e, IEqualityComparer<EptSpte> comparer) => {|SPTE1003:comparer.Equals(e, EptSpte.NonPresent)|};
            bool G(bool b) => {|SPTE1003:(b ? _spt[0] : _spt[1]) == 0|};
            bool H(EptSpte e) => {|SPTE1003:e.Raw == ulong.MinValue|};
        }
        """,
        """
        using System.Collections.Generic;
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;

            bool A(EptSpte e) => e.IsPresent;
            bool B(EptSpte e) => !e.IsPresent;
            bool C(int i) => EptSpte.FromRaw(_spt[i]).IsPresent;
            bool D(EptSpte e) => e.IsPresent;
            bool E(EptSpte e) => !e.IsPresent;
            bool F(EptSpte e, IEqualityComparer<EptSpte> comparer) => !e.IsPresent;
            bool G(bool b) => !EptSpte.FromRaw(b ? _spt[0] : _spt[1]).IsPresent;
            bool H(EptSpte e) => !e.IsPresent;
        }
        """);

    [Fact]
    public Task Empty_alternatives_of_a_mixed_or_are_reported_each_without_a_fix() => Verify.DiagnosticsAsync(
        """
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;

            bool A(EptSpte e) => {|#2:e|}.Raw is {|#0:0|} or EptSpte.FrozenValue;

            int B(int i)
            {
                switch (_spt[i])
                {
                    case {|SPTE1003:EptSpte.NonPresentValue|} or EptSpte.FrozenValue or 5:
                        return 0;
                    default:
                        return 1;
                }
            }

            string C(EptSpte e) => e.Raw switch
            {
                EptSpte.FrozenValue or {|SPTE1003:0|} => "not present",
                _ => "other",
            };
        }
        """,
        string.Empty,
        new DiagnosticResult("SPTE1003", DiagnosticSeverity.Warning).WithLocation(0).WithLocation(2)
            .WithArguments("0", "EptSpte", "zero", "!e.IsPresent (no automatic fix: see the rule's page for the hand rewrite)"));

    [Fact]
    public Task Negated_and_combined_patterns_stay_silent_on_zero_formats_other_values_and_unmarked_storage() => Verify.DiagnosticsAsync(
        """
        using System.Collections.Generic;
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(NptSpte))] ulong[] _npt;

            bool A(NptSpte e) => e.Raw is not 0;
            bool C(EptSpte e) => e.Raw is not 0 or not EptSpte.NonPresentValue;
            bool D(ulong raw) => raw is 0 or EptSpte.NonPresentValue;
            bool E(int i) => _npt[i] is 0 or NptSpte.NonPresentValue;
            bool F(NptSpte e) => object.Equals(e, default(NptSpte));
            bool G(NptSpte e, IEqualityComparer<NptSpte> comparer) => comparer.Equals(e, NptSpte.NonPresent);
            bool H(EptSpte e) => e is { Pfn: 0 } or { Pfn: 1 };
            bool I(bool b, int i) => (b ? _npt[0] : _npt[1]) == 0;
            bool J(EptSpte e, ulong raw) => (e.Pfn, raw) == (0, 0);
        }
        """);
}

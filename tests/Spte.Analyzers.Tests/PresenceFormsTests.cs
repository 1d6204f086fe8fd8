using System.Threading.Tasks;
using Xunit;
using Verify = Spte.Analyzers.Tests.Infrastructure.Verifier<Spte.Analyzers.CodeFixes.IsPresentCodeFixProvider>;

namespace Spte.Analyzers.Tests;

/// <summary>SPTE1003 forms beyond == / != / is: relational, property patterns, switches, comparers.</summary>
public sealed class PresenceFormsTests
{
    [Fact]
    public Task Relational_and_property_patterns_become_IsPresent() => Verify.FixAsync(
        """
        using System.Collections.Generic;
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;

            bool A(EptSpte e) => {|SPTE1003:e.Raw > 0|};
            bool B(int i) => {|SPTE1003:0 < _spt[i]|};
            bool C(EptSpte e) => {|SPTE1003:e is { Raw: 0 }|};
            bool D(EptSpte e) => {|SPTE1003:e is not { Raw: EptSpte.NonPresentValue }|};
            bool E(EptSpte e) => {|SPTE1003:e.Raw is > 0|};
            bool F(EptSpte e) => {|SPTE1003:EqualityComparer<EptSpte>.Default.Equals(e, default)|};
            bool G(EptSpte e) => {|SPTE1003:EqualityComparer<EptSpte>.Default.Equals(EptSpte.NonPresent, e)|};
        }
        """,
        """
        using System.Collections.Generic;
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;

            bool A(EptSpte e) => e.IsPresent;
            bool B(int i) => EptSpte.FromRaw(_spt[i]).IsPresent;
            bool C(EptSpte e) => !e.IsPresent;
            bool D(EptSpte e) => e.IsPresent;
            bool E(EptSpte e) => e.IsPresent;
            bool F(EptSpte e) => !e.IsPresent;
            bool G(EptSpte e) => !e.IsPresent;
        }
        """);

    /// <summary>The seed patch's sync_page test: <c>spte != SHADOW_NONPRESENT_VALUE</c>, written with the entry's raw value.</summary>
    [Fact]
    public Task The_raw_value_of_the_non_present_entry_counts_as_the_non_present_value() => Verify.FixAsync(
        """
        using Kvm;

        class Mmu
        {
            bool A(EptSpte e) => {|SPTE1003:e.Raw != EptSpte.NonPresent.Raw|};
            bool B<T>(T e) where T : struct, Spte.ISpte<T> => {|SPTE1003:e.Raw == T.NonPresent.Raw|};
            bool C(NptSpte e) => e.Raw != NptSpte.NonPresent.Raw;
            bool D(EptSpte e) => e.Pfn != EptSpte.NonPresent.Pfn;
        }
        """,
        """
        using Kvm;

        class Mmu
        {
            bool A(EptSpte e) => e.IsPresent;
            bool B<T>(T e) where T : struct, Spte.ISpte<T> => !e.IsPresent;
            bool C(NptSpte e) => e.Raw != NptSpte.NonPresent.Raw;
            bool D(EptSpte e) => e.Pfn != EptSpte.NonPresent.Pfn;
        }
        """);

    [Fact]
    public Task Relational_and_property_patterns_stay_silent_on_zero_formats_fields_and_unmarked_storage() => Verify.DiagnosticsAsync(
        """
        using System.Collections.Generic;
        using Kvm;

        class Mmu
        {
            ulong[] _plain = new ulong[1];

            bool A(NptSpte e) => e.Raw > 0;
            bool B(int i) => 0 < _plain[i];
            bool C(NptSpte e) => e is { Raw: 0 };
            bool D(EptSpte e) => e is { Pfn: 0 };
            bool E(EptSpte e) => e.Raw > 5;
            bool F(NptSpte e) => EqualityComparer<NptSpte>.Default.Equals(e, default);
            bool G(EptSpte e) => EqualityComparer<EptSpte>.Default.Equals(e, EptSpte.Frozen);
            bool H(EptSpte e) => e.Raw > EptSpte.NonPresentValue;
            bool I(ulong raw) => raw is > 0;
        }
        """);

    [Fact]
    public Task Switch_cases_on_the_empty_value_are_reported_without_a_fix() => Verify.DiagnosticsAsync(
        """
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;

            int A(int i)
            {
                switch (_spt[i])
                {
                    {|SPTE1003:case 0:|}
                        return 0;
                    {|SPTE1003:case EptSpte.NonPresentValue:|}
                        return 1;
                    default:
                        return 2;
                }
            }

            int B(EptSpte e)
            {
                switch (e)
                {
                    {|SPTE1003:case { Raw: 0 }:|}
                        return 0;
                    default:
                        return 1;
                }
            }

            string C(EptSpte e) => e.Raw switch
            {
                {|SPTE1003:0|} => "zero",
                _ => "other",
            };

            string D(EptSpte e) => e switch
            {
                {|SPTE1003:{ Raw: EptSpte.NonPresentValue }|} => "empty",
                _ => "other",
            };
        }
        """);

    [Fact]
    public Task Switch_cases_stay_silent_on_zero_formats_guards_other_values_and_unmarked_storage() => Verify.DiagnosticsAsync(
        """
        using Kvm;

        class Mmu
        {
            ulong[] _plain = new ulong[1];

            int A(int i)
            {
                switch (_plain[i])
                {
                    case 0:
                        return 0;
                    default:
                        return 2;
                }
            }

            string B(NptSpte e) => e.Raw switch
            {
                0 => "zero",
                _ => "other",
            };

            string C(EptSpte e) => e.Raw switch
            {
                0 when e.Pfn == 0 => "guarded",
                EptSpte.FrozenValue => "frozen",
                _ => "other",
            };

            string D(EptSpte e) => e switch
            {
                { Pfn: 0 } => "no pfn",
                _ => "other",
            };
        }
        """);
}

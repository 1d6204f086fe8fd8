using System.Threading.Tasks;
using Xunit;
using Verify = Spte.Analyzers.Tests.Infrastructure.Verifier<Spte.Analyzers.CodeFixes.IsPresentCodeFixProvider>;

namespace Spte.Analyzers.Tests;

/// <summary>SPTE1003: presence decided by comparing with zero or with the non-present value.</summary>
public sealed class Spte1003Tests
{
    [Fact]
    public Task Comparisons_of_entries_become_IsPresent() => Verify.FixAsync(
        """
        using Kvm;

        class Mmu
        {
            int Count(EptSpte spte, EptSpte.Leaf leaf, MmioSpte mmio)
            {
                var n = 0;
                if ({|SPTE1003:spte.Raw == 0|}) n++;
                if ({|SPTE1003:spte.Raw != 0|}) n++;
                if ({|SPTE1003:0 == spte.Raw|}) n++;
                if ({|SPTE1003:spte.Raw != EptSpte.NonPresentValue|}) n++;
                if ({|SPTE1003:spte == default|}) n++;
                if ({|SPTE1003:spte != EptSpte.NonPresent|}) n++;
                if ({|SPTE1003:spte.Raw is 0|}) n++;
                if ({|SPTE1003:spte.Raw is not EptSpte.NonPresentValue|}) n++;
                if ({|SPTE1003:spte.Equals(default)|}) n++;
                if ({|SPTE1003:leaf.Raw == 0|}) n++;
                if ({|SPTE1003:mmio.Raw != 0|}) n++;
                if (n > 2 && {|SPTE1003:spte.WithPfn(1).Raw == 0|}) n++;
                return n;
            }
        }
        """,
        """
        using Kvm;

        class Mmu
        {
            int Count(EptSpte spte, EptSpte.Leaf leaf, MmioSpte mmio)
            {
                var n = 0;
                if (!spte.IsPresent) n++;
                if (spte.IsPresent) n++;
                if (!spte.IsPresent) n++;
                if (spte.IsPresent) n++;
                if (!spte.IsPresent) n++;
                if (spte.IsPresent) n++;
                if (!spte.IsPresent) n++;
                if (spte.IsPresent) n++;
                if (!spte.IsPresent) n++;
                if (!leaf.IsPresent) n++;
                if (mmio.IsPresent) n++;
                if (n > 2 && !spte.WithPfn(1).IsPresent) n++;
                return n;
            }
        }
        """);

    [Fact]
    public Task Raw_slot_values_become_FromRaw_IsPresent() => Verify.FixAsync(
        """
        using Spte;
        using Kvm;

        unsafe class Mmu
        {
            [SpteSlot(typeof(EptSpte))] public ulong[] Spt = null!;
            [SpteSlot(typeof(EptSpte))] public ulong* Pt;
            [SpteSlot(typeof(EptSpte))] public ulong Root;

            // KVM's FNAME(sync_page) as posted: the inverted check skipped every live entry.
            int SyncPage()
            {
                var synced = 0;
                for (var i = 0; i < Spt.Length; i++)
                {
                    if ({|SPTE1003:Spt[i] != EptSpte.NonPresentValue|})
                        continue;
                    synced++;
                }

                return synced;
            }

            bool Checks(int i)
            {
                ulong old = Pt[i];
                return {|SPTE1003:*Pt == 0|} || {|SPTE1003:Root != 0|} || {|SPTE1003:old == 0|} || {|SPTE1003:Pt[i] is 0|};
            }
        }
        """,
        """
        using Spte;
        using Kvm;

        unsafe class Mmu
        {
            [SpteSlot(typeof(EptSpte))] public ulong[] Spt = null!;
            [SpteSlot(typeof(EptSpte))] public ulong* Pt;
            [SpteSlot(typeof(EptSpte))] public ulong Root;

            // KVM's FNAME(sync_page) as posted: the inverted check skipped every live entry.
            int SyncPage()
            {
                var synced = 0;
                for (var i = 0; i < Spt.Length; i++)
                {
                    if (EptSpte.FromRaw(Spt[i]).IsPresent)
                        continue;
                    synced++;
                }

                return synced;
            }

            bool Checks(int i)
            {
                ulong old = Pt[i];
                return !EptSpte.FromRaw(*Pt).IsPresent || EptSpte.FromRaw(Root).IsPresent || !EptSpte.FromRaw(old).IsPresent || !EptSpte.FromRaw(Pt[i]).IsPresent;
            }
        }
        """);

    [Fact]
    public Task Generic_formats_and_code_inside_a_format_are_checked() => Verify.FixAsync(
        """
        using Spte;

        namespace Kvm
        {
            partial struct EptSpte
            {
                public bool IsEmpty => {|SPTE1003:Raw == 0|};
            }

            static class Walker
            {
                public static bool Empty<TSpte>(TSpte spte) where TSpte : struct, ISpte<TSpte> =>
                    {|SPTE1003:spte.Raw == TSpte.NonPresentValue|} || {|SPTE1003:spte.Raw == 0|};
            }
        }
        """,
        """
        using Spte;

        namespace Kvm
        {
            partial struct EptSpte
            {
                public bool IsEmpty => !IsPresent;
            }

            static class Walker
            {
                public static bool Empty<TSpte>(TSpte spte) where TSpte : struct, ISpte<TSpte> =>
                    !spte.IsPresent || !spte.IsPresent;
            }
        }
        """);

    [Fact]
    public Task Field_tests_special_values_and_zero_formats_stay_silent() => Verify.DiagnosticsAsync(
        """
        using Spte;
        using Kvm;

        class Correct
        {
            ulong[] _counters = new ulong[4];
            [SpteSlot(typeof(EptSpte))] ulong[] Spt = null!;

            bool M(EptSpte spte, NptSpte npt, int i)
            {
                return spte.Pfn == 0
                    || (spte.Raw & EptSpte.PfnMask) == 0
                    || spte.IsPresent
                    || spte == EptSpte.Frozen
                    || spte.Raw == EptSpte.FrozenValue
                    || spte.IsFrozen
                    || _counters[i] == 0
                    || (Spt[i] & EptSpte.PresentMask) != 0
                    || npt.Raw == 0
                    || npt == default
                    || Spt.Length == 0;
            }
        }
        """);
}

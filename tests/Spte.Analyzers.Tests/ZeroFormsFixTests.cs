using System.Threading.Tasks;
using Xunit;
using Verify1001 = Spte.Analyzers.Tests.Infrastructure.Verifier<Spte.Analyzers.CodeFixes.NonPresentCodeFixProvider>;
using Verify1002 = Spte.Analyzers.Tests.Infrastructure.Verifier<Spte.Analyzers.CodeFixes.ZeroFilledTableCodeFixProvider>;

namespace Spte.Analyzers.Tests;

/// <summary>
/// The fixes (one at a time and Fix All) of forms whose firing tests elsewhere check only the
/// diagnostic: pool rentals, re-typed clears, raw GC allocations, <c>ulong.MinValue</c>, generic
/// returns and raw slot parameter defaults.
/// </summary>
public sealed class ZeroFormsFixTests
{
    [Fact]
    public Task Rented_retyped_and_GC_allocated_tables_are_filled_with_the_non_present_value() => Verify1002.FixAsync(
        """
        using System;
        using System.Buffers;
        using System.Runtime.CompilerServices;
        using System.Runtime.InteropServices;
        using Kvm;

        class Mmu
        {
            EptSpte[] _table = EptSpte.NewTable(2);
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;

            void Reset()
            {
                var rented = {|SPTE1002:ArrayPool<EptSpte>.Shared.Rent(512)|};
                _spt = {|SPTE1002:ArrayPool<ulong>.Shared.Rent(512)|};
                {|SPTE1002:MemoryMarshal.Cast<EptSpte, ulong>(_table.AsSpan()).Clear()|};
                {|SPTE1002:Array.Clear(Unsafe.As<EptSpte[], ulong[]>(ref _table))|};
                var raw = {|SPTE1002:GC.AllocateArray<ulong>(512)|};
                _spt = raw;
                EptSpte[] spread = [.. {|SPTE1002:new EptSpte[4]|}];
            }
        }
        """,
        """
        using System;
        using System.Buffers;
        using System.Runtime.CompilerServices;
        using System.Runtime.InteropServices;
        using Kvm;

        class Mmu
        {
            EptSpte[] _table = EptSpte.NewTable(2);
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;

            void Reset()
            {
                var rented = ArrayPool<EptSpte>.Shared.Rent(512);
                Array.Fill(rented, EptSpte.NonPresent);
                _spt = ArrayPool<ulong>.Shared.Rent(512);
                Array.Fill(_spt, EptSpte.NonPresentValue);
                MemoryMarshal.Cast<EptSpte, ulong>(_table.AsSpan()).Fill(EptSpte.NonPresentValue);
                Array.Fill(Unsafe.As<EptSpte[], ulong[]>(ref _table), EptSpte.NonPresentValue);
                var raw = GC.AllocateArray<ulong>(512);
                Array.Fill(raw, EptSpte.NonPresentValue);
                _spt = raw;
                EptSpte[] spread = [.. EptSpte.NewTable(4)];
            }
        }
        """);

    [Fact]
    public Task A_zero_filled_local_spread_into_a_slot_is_filled_after_its_declaration() => Verify1002.FixAsync(
        """
        using System;
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;

            void Reset()
            {
                var zeros = {|SPTE1002:new ulong[512]|};
                _spt = [.. zeros];
            }
        }
        """,
        """
        using System;
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;

            void Reset()
            {
                var zeros = new ulong[512];
                Array.Fill(zeros, EptSpte.NonPresentValue);
                _spt = [.. zeros];
            }
        }
        """);

    [Fact]
    public Task Spread_locals_and_deconstructed_tables_stay_silent_on_zero_formats_other_uses_and_unmarked_targets() => Verify1002.DiagnosticsAsync(
        """
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;
            [Spte.SpteSlot(typeof(NptSpte))] ulong[] _npt;
            ulong[] _plain = new ulong[1];

            void Reset(ulong[] other)
            {
                var npt = new ulong[512];
                _npt = [.. npt];
                var used = new ulong[512];
                used[0] = EptSpte.NonPresentValue;
                _spt = [.. used];
                var plain = new ulong[512];
                _plain = [.. plain];
                (_npt, other) = (new ulong[8], other);
                (_plain, other) = (new ulong[8], other);
            }
        }
        """);

    [Fact]
    public Task MinValue_generic_returns_and_raw_slot_parameter_defaults_become_the_non_present_value() => Verify1001.FixAsync(
        """
        using Spte;
        using Kvm;

        class Mmu
        {
            [SpteSlot(typeof(EptSpte))] ulong[] _spt;

            void Set([SpteSlot(typeof(EptSpte))] ulong value = {|SPTE1001:0|}) { }

            void Zap(int i) => _spt[i] = {|SPTE1001:ulong.MinValue|};

            static TSpte Empty<TSpte>() where TSpte : struct, ISpte<TSpte> => {|SPTE1001:default|};

            static void Store<TSpte>(TSpte[] table, TSpte value) where TSpte : struct, ISpte<TSpte> => table[0] = value;

            static void Zap<TSpte>(TSpte[] table) where TSpte : struct, ISpte<TSpte> => Store(table, {|SPTE1001:default(TSpte)|});
        }
        """,
        """
        using Spte;
        using Kvm;

        class Mmu
        {
            [SpteSlot(typeof(EptSpte))] ulong[] _spt;

            void Set([SpteSlot(typeof(EptSpte))] ulong value = EptSpte.NonPresentValue) { }

            void Zap(int i) => _spt[i] = EptSpte.NonPresentValue;

            static TSpte Empty<TSpte>() where TSpte : struct, ISpte<TSpte> => TSpte.NonPresent;

            static void Store<TSpte>(TSpte[] table, TSpte value) where TSpte : struct, ISpte<TSpte> => table[0] = value;

            static void Zap<TSpte>(TSpte[] table) where TSpte : struct, ISpte<TSpte> => Store(table, TSpte.NonPresent);
        }
        """);

    [Fact]
    public Task Raw_slot_parameter_defaults_stay_silent_on_zero_formats_and_unmarked_parameters() => Verify1001.DiagnosticsAsync(
        """
        using Spte;
        using Kvm;

        class Mmu
        {
            void Set([SpteSlot(typeof(NptSpte))] ulong value = 0, ulong count = 0, [SpteSlot(typeof(EptSpte))] ulong other = EptSpte.NonPresentValue) { }
        }
        """);
}

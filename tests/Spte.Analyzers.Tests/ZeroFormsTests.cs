using System.Threading.Tasks;
using Xunit;
using Verify1001 = Spte.Analyzers.Tests.Infrastructure.Verifier<Spte.Analyzers.CodeFixes.NonPresentCodeFixProvider>;
using Verify1002 = Spte.Analyzers.Tests.Infrastructure.Verifier<Spte.Analyzers.CodeFixes.ZeroFilledTableCodeFixProvider>;

namespace Spte.Analyzers.Tests;

/// <summary>SPTE1001/SPTE1002 forms: compound zeroing, with, collections, re-typing, Resize, InitBlock, pools, Repeat.</summary>
public sealed class ZeroFormsTests
{
    [Fact]
    public Task Compound_assignments_that_leave_a_slot_zero_become_assignments_of_NonPresentValue() => Verify1001.FixAsync(
        """
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;
            [Spte.SpteSlot(typeof(EptSpte))] ulong _root;

            void Zap(int i)
            {
                {|SPTE1001:_spt[i] &= 0|};
                {|SPTE1001:_root *= 0UL|};
                {|SPTE1001:_root ^= _root|};
                {|SPTE1001:_spt[i] -= _spt[i]|};
            }
        }
        """,
        """
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;
            [Spte.SpteSlot(typeof(EptSpte))] ulong _root;

            void Zap(int i)
            {
                _spt[i] = EptSpte.NonPresentValue;
                _root = EptSpte.NonPresentValue;
                _root = EptSpte.NonPresentValue;
                _spt[i] = EptSpte.NonPresentValue;
            }
        }
        """);

    [Fact]
    public Task Compound_assignments_stay_silent_on_zero_formats_masks_other_operands_and_unmarked_storage() => Verify1001.DiagnosticsAsync(
        """
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;
            [Spte.SpteSlot(typeof(NptSpte))] ulong[] _npt;
            ulong[] _plain = new ulong[1];

            void Zap(int i, int j)
            {
                _npt[i] &= 0;
                _plain[i] &= 0;
                _spt[i] &= ~EptSpte.PfnMask;
                _spt[i] ^= _spt[j];
                _spt[i] -= 1;
            }
        }
        """);

    [Fact]
    public Task A_with_copy_of_a_zero_entry_and_zero_elements_of_raw_collections_are_raw_zeros() => Verify1001.FixAsync(
        """
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;
            EptSpte[] _table = EptSpte.NewTable(2);

            void Zap(int i)
            {
                _table[i] = {|SPTE1001:default(EptSpte) with { }|};
                _spt = [{|SPTE1001:0|}, EptSpte.NonPresentValue, {|SPTE1001:0UL|}];
            }
        }
        """,
        """
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;
            EptSpte[] _table = EptSpte.NewTable(2);

            void Zap(int i)
            {
                _table[i] = EptSpte.NonPresent;
                _spt = [EptSpte.NonPresentValue, EptSpte.NonPresentValue, EptSpte.NonPresentValue];
            }
        }
        """);

    [Fact]
    public Task With_copies_and_collections_stay_silent_on_zero_formats_and_unmarked_storage() => Verify1001.DiagnosticsAsync(
        """
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(NptSpte))] ulong[] _npt;
            ulong[] _plain = new ulong[1];
            NptSpte[] _table = NptSpte.NewTable(2);

            void Zap(int i)
            {
                _table[i] = default(NptSpte) with { };
                _npt = [0, 0];
                _plain = [0, 0];
                var e = EptSpte.NonPresent with { };
            }
        }
        """);

    [Fact]
    public Task Retyped_tables_are_slots_of_their_format() => Verify1001.FixAsync(
        """
        using System;
        using System.Runtime.CompilerServices;
        using System.Runtime.InteropServices;
        using Kvm;

        class Mmu
        {
            EptSpte[] _table = EptSpte.NewTable(2);

            void Zap(int i, ref EptSpte e)
            {
                MemoryMarshal.Cast<EptSpte, ulong>(_table.AsSpan())[i] = {|SPTE1001:0|};
                Unsafe.As<EptSpte[], ulong[]>(ref _table)[i] = {|SPTE1001:0|};
                Unsafe.As<EptSpte, ulong>(ref e) = {|SPTE1001:0|};
            }
        }
        """,
        """
        using System;
        using System.Runtime.CompilerServices;
        using System.Runtime.InteropServices;
        using Kvm;

        class Mmu
        {
            EptSpte[] _table = EptSpte.NewTable(2);

            void Zap(int i, ref EptSpte e)
            {
                MemoryMarshal.Cast<EptSpte, ulong>(_table.AsSpan())[i] = EptSpte.NonPresentValue;
                Unsafe.As<EptSpte[], ulong[]>(ref _table)[i] = EptSpte.NonPresentValue;
                Unsafe.As<EptSpte, ulong>(ref e) = EptSpte.NonPresentValue;
            }
        }
        """);

    [Fact]
    public Task Retyped_tables_stay_silent_on_zero_formats_and_plain_memory() => Verify1001.DiagnosticsAsync(
        """
        using System;
        using System.Runtime.CompilerServices;
        using System.Runtime.InteropServices;
        using Kvm;

        class Mmu
        {
            NptSpte[] _table = NptSpte.NewTable(2);
            long[] _plain = new long[2];

            void Zap(int i, ref NptSpte e)
            {
                MemoryMarshal.Cast<NptSpte, ulong>(_table.AsSpan())[i] = 0;
                MemoryMarshal.Cast<long, ulong>(_plain.AsSpan())[i] = 0;
                Unsafe.As<NptSpte, ulong>(ref e) = 0;
            }
        }
        """);

    [Fact]
    public Task Resize_InitBlock_retyped_clears_and_pools_zero_fill_tables() => Verify1002.DiagnosticsAsync(
        """
        using System;
        using System.Buffers;
        using System.Runtime.CompilerServices;
        using System.Runtime.InteropServices;
        using Kvm;

        unsafe class Mmu
        {
            EptSpte[] _table = EptSpte.NewTable(2);
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;
            [Spte.SpteSlot(typeof(EptSpte))] ulong* _pt;

            void Grow(EptSpte* p)
            {
                {|SPTE1002:Array.Resize(ref _table, 1024)|};
                {|SPTE1002:Array.Resize(ref _spt, 1024)|};
                {|SPTE1002:Unsafe.InitBlock(_pt, 0, 4096)|};
                {|SPTE1002:Unsafe.InitBlockUnaligned((byte*)p, 0, 4096)|};
                {|SPTE1002:MemoryMarshal.Cast<EptSpte, ulong>(_table.AsSpan()).Clear()|};
                var rented = {|SPTE1002:ArrayPool<EptSpte>.Shared.Rent(512)|};
                _spt = {|SPTE1002:ArrayPool<ulong>.Shared.Rent(512)|};
            }
        }
        """);

    [Fact]
    public Task Resize_InitBlock_and_pools_stay_silent_on_zero_formats_fills_and_unmarked_memory() => Verify1002.DiagnosticsAsync(
        """
        using System;
        using System.Buffers;
        using System.Runtime.CompilerServices;
        using Kvm;

        unsafe class Mmu
        {
            NptSpte[] _table = NptSpte.NewTable(2);
            [Spte.SpteSlot(typeof(EptSpte))] ulong* _pt;
            ulong[] _plain = new ulong[1];

            void Grow(byte* p)
            {
                Array.Resize(ref _table, 1024);
                Array.Resize(ref _plain, 1024);
                Unsafe.InitBlock(_pt, 0xFF, 4096);
                Unsafe.InitBlock(p, 0, 4096);
                var rented = ArrayPool<EptSpte>.Shared.Rent(512);
                Array.Fill(rented, EptSpte.NonPresent);
                var plain = ArrayPool<ulong>.Shared.Rent(512);
                var npt = ArrayPool<NptSpte>.Shared.Rent(512);
            }
        }
        """);

    [Fact]
    public Task Repeated_and_spread_zeros_in_slot_tables_are_reported() => Verify1002.FixAsync(
        """
        using System.Linq;
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;

            void Reset()
            {
                _spt = Enumerable.Repeat({|SPTE1002:0UL|}, 512).ToArray();
                _spt = [.. Enumerable.Repeat({|SPTE1002:0UL|}, 512)];
            }
        }
        """,
        """
        using System.Linq;
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;

            void Reset()
            {
                _spt = Enumerable.Repeat(EptSpte.NonPresentValue, 512).ToArray();
                _spt = [.. Enumerable.Repeat(EptSpte.NonPresentValue, 512)];
            }
        }
        """);

    [Fact]
    public Task Spread_zero_arrays_in_slot_tables_are_reported() => Verify1002.DiagnosticsAsync(
        """
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;

            void Reset() => _spt = [.. {|SPTE1002:new ulong[512]|}];
        }
        """);

    [Fact]
    public Task Repeated_and_spread_zeros_stay_silent_on_zero_formats_non_zero_values_and_unmarked_storage() => Verify1002.DiagnosticsAsync(
        """
        using System.Linq;
        using Kvm;

        class Mmu
        {
            [Spte.SpteSlot(typeof(EptSpte))] ulong[] _spt;
            [Spte.SpteSlot(typeof(NptSpte))] ulong[] _npt;
            ulong[] _plain = new ulong[1];

            void Reset()
            {
                _spt = Enumerable.Repeat(EptSpte.NonPresentValue, 512).ToArray();
                _npt = Enumerable.Repeat(0UL, 512).ToArray();
                _plain = [.. Enumerable.Repeat(0UL, 512)];
                _npt = [.. new ulong[512]];
                var count = Enumerable.Repeat(0UL, 512).Count();
            }
        }
        """);
}

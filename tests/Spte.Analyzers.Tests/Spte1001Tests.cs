using System.Threading.Tasks;
using Xunit;
using Verify = Spte.Analyzers.Tests.Infrastructure.Verifier<Spte.Analyzers.CodeFixes.NonPresentCodeFixProvider>;

namespace Spte.Analyzers.Tests;

/// <summary>SPTE1001: raw zeros stored where an entry of a non-zero non-present format lives.</summary>
public sealed class Spte1001Tests
{
    [Fact]
    public Task Zero_entries_stored_in_typed_locations_become_NonPresent() => Verify.FixAsync(
        """
        using Kvm;

        class Mmu
        {
            const ulong Empty = 0;
            EptSpte[] _table = EptSpte.NewTable(512);

            void Zap(int i)
            {
                EptSpte e = {|SPTE1001:default|};
                _table[i] = {|SPTE1001:default(EptSpte)|};
                _table[i] = {|SPTE1001:new EptSpte()|};
                _table[i] = {|SPTE1001:new()|};
                _table[i] = {|SPTE1001:EptSpte.FromRaw(0)|};
                _table[i] = {|SPTE1001:EptSpte.FromRaw(1 - 1)|};
                _table[i] = {|SPTE1001:EptSpte.FromRaw(Empty)|};
                var copy = {|SPTE1001:(EptSpte)default|};
            }
        }
        """,
        """
        using Kvm;

        class Mmu
        {
            const ulong Empty = 0;
            EptSpte[] _table = EptSpte.NewTable(512);

            void Zap(int i)
            {
                EptSpte e = EptSpte.NonPresent;
                _table[i] = EptSpte.NonPresent;
                _table[i] = EptSpte.NonPresent;
                _table[i] = EptSpte.NonPresent;
                _table[i] = EptSpte.NonPresent;
                _table[i] = EptSpte.NonPresent;
                _table[i] = EptSpte.NonPresent;
                var copy = EptSpte.NonPresent;
            }
        }
        """);

    [Fact]
    public Task Initialised_returned_passed_and_exchanged_zero_entries_become_NonPresent() => Verify.FixAsync(
        """
        using System;
        using System.Collections.Generic;
        using Kvm;
        
        class Mmu
        {
            EptSpte _root = {|SPTE1001:default|};
            EptSpte Root { get; set; } = {|SPTE1001:default|};
            List<EptSpte> _log = new();

            EptSpte Zapped() => {|SPTE1001:default|};

            EptSpte ZappedBody()
            {
                return {|SPTE1001:new EptSpte()|};
            }

            void Zap(out EptSpte spte) => spte = {|SPTE1001:default|};

            void Clear(ref EptSpte spte) => spte = {|SPTE1001:EptSpte.FromRaw(0)|};

            void Store(EptSpte spte) { }

            void All(bool frozen, int level, EptSpte[] table)
            {
                        Store({|SPTE1001:default|});
                _log.Add({|SPTE1001:default|});
                _root = frozen ? EptSpte.Frozen : {|SPTE1001:default|};
                _root = level switch { 0 => {|SPTE1001:default|}, _ => EptSpte.Frozen };
                (table[0], table[1]) = ({|SPTE1001:default|}, EptSpte.NonPresent);
                EptSpte[] fresh = { {|SPTE1001:default|}, EptSpte.NonPresent };
                EptSpte[] collection = [{|SPTE1001:default|}];
                Func<EptSpte> lambda = () => {|SPTE1001:default|};
            }
        }
        """,
        """
        using System;
        using System.Collections.Generic;
        using Kvm;
        
        class Mmu
        {
            EptSpte _root = EptSpte.NonPresent;
            EptSpte Root { get; set; } = EptSpte.NonPresent;
            List<EptSpte> _log = new();

            EptSpte Zapped() => EptSpte.NonPresent;

            EptSpte ZappedBody()
            {
                return EptSpte.NonPresent;
            }

            void Zap(out EptSpte spte) => spte = EptSpte.NonPresent;

            void Clear(ref EptSpte spte) => spte = EptSpte.NonPresent;

            void Store(EptSpte spte) { }

            void All(bool frozen, int level, EptSpte[] table)
            {
                        Store(EptSpte.NonPresent);
                _log.Add(EptSpte.NonPresent);
                _root = frozen ? EptSpte.Frozen : EptSpte.NonPresent;
                _root = level switch { 0 => EptSpte.NonPresent, _ => EptSpte.Frozen };
                (table[0], table[1]) = (EptSpte.NonPresent, EptSpte.NonPresent);
                EptSpte[] fresh = { EptSpte.NonPresent, EptSpte.NonPresent };
                EptSpte[] collection = [EptSpte.NonPresent];
                Func<EptSpte> lambda = () => EptSpte.NonPresent;
            }
        }
        """);

    [Fact]
    public Task An_alias_is_seen_through_and_kept_by_the_fix() => Verify.FixAsync(
        """
        using Entry = Kvm.EptSpte;

        class Mmu
        {
            void Zap(Entry[] table)
            {
                var aliased = {|SPTE1001:default(Entry)|};
                table[0] = {|SPTE1001:default|};
            }
        }
        """,
        """
        using Entry = Kvm.EptSpte;

        class Mmu
        {
            void Zap(Entry[] table)
            {
                var aliased = Entry.NonPresent;
                table[0] = Entry.NonPresent;
            }
        }
        """);

    [Fact]
    public Task Views_and_generic_formats_get_their_own_non_present_value() => Verify.FixAsync(
        """
        using Spte;
        using Kvm;

        static class Mmu
        {
            static EptSpte.Leaf ZapLeaf() => {|SPTE1001:default|};

            static EptSpte FromView() => {|SPTE1001:default(EptSpte.Leaf)|};

            static void Zap<TSpte>(TSpte[] table, int i)
                where TSpte : struct, ISpte<TSpte>
            {
                table[i] = {|SPTE1001:default|};
                table[i] = {|SPTE1001:new TSpte()|};
                table[i] = {|SPTE1001:TSpte.FromRaw(0)|};
            }
        }
        """,
        """
        using Spte;
        using Kvm;

        static class Mmu
        {
            static EptSpte.Leaf ZapLeaf() => EptSpte.Leaf.FromRaw(EptSpte.NonPresentValue);

            static EptSpte FromView() => EptSpte.Leaf.FromRaw(EptSpte.NonPresentValue);

            static void Zap<TSpte>(TSpte[] table, int i)
                where TSpte : struct, ISpte<TSpte>
            {
                table[i] = TSpte.NonPresent;
                table[i] = TSpte.NonPresent;
                table[i] = TSpte.NonPresent;
            }
        }
        """);

    [Fact]
    public Task Zero_written_to_marked_raw_slots_becomes_NonPresentValue() => Verify.FixAsync(
        """
        using System;
        using System.Threading;
        using Spte;
        using Kvm;

        unsafe class Mmu
        {
            const ulong Empty = 0;

            [SpteSlot(typeof(EptSpte))] public ulong Root;
            [SpteSlot(typeof(EptSpte))] public ulong[] Table = EptSpte.NewTable(512).AsSpan().ToArray().Length == 0 ? null! : null!;
            [SpteSlot(typeof(EptSpte))] public ulong* Pt;
            [SpteSlot(typeof(EptSpte))] public Memory<ulong> Mem;
            [SpteSlot(typeof(EptSpte))] public ulong Prop { get; set; }

            [return: SpteSlot(typeof(EptSpte))]
            ref ulong Entry(int i) => ref Table[i];

            [return: SpteSlot(typeof(EptSpte))]
            ulong Zapped() => {|SPTE1001:0|};

            void Store([SpteSlot(typeof(EptSpte))] ulong value) { }

            void Zap(int i, bool frozen, [SpteSlot(typeof(EptSpte))] Span<ulong> span, [SpteSlot(typeof(EptSpte))] ref ulong sptep)
            {
                Root = {|SPTE1001:0|};
                Table[i] = {|SPTE1001:0UL|};
                Pt[i] = {|SPTE1001:0|};
                *Pt = {|SPTE1001:0|};
                *(Pt + i) = {|SPTE1001:0|};
                span[i] = {|SPTE1001:0|};
                sptep = {|SPTE1001:0|};
                Mem.Span[i] = {|SPTE1001:0|};
                Prop = {|SPTE1001:0|};
                Entry(i) = {|SPTE1001:0|};
                Table[i] = {|SPTE1001:(ulong)0|};
                Table[i] = {|SPTE1001:1 - 1|};
                Table[i] = {|SPTE1001:Empty|};
                Table[i] = {|SPTE1001:default|};
                Table[i] = frozen ? EptSpte.FrozenValue : {|SPTE1001:0|};
                Table[i] = {|SPTE1001:EptSpte.FromRaw(0).Raw|};
                (Table[0], Table[1]) = ({|SPTE1001:0|}, EptSpte.NonPresentValue);
                Store({|SPTE1001:0|});
                Interlocked.Exchange(ref Table[i], {|SPTE1001:0|});
                Interlocked.CompareExchange(ref Table[i], EptSpte.NonPresentValue, {|SPTE1001:0|});
                Volatile.Write(ref Table[i], {|SPTE1001:0|});
            }
        }
        """,
        """
        using System;
        using System.Threading;
        using Spte;
        using Kvm;

        unsafe class Mmu
        {
            const ulong Empty = 0;

            [SpteSlot(typeof(EptSpte))] public ulong Root;
            [SpteSlot(typeof(EptSpte))] public ulong[] Table = EptSpte.NewTable(512).AsSpan().ToArray().Length == 0 ? null! : null!;
            [SpteSlot(typeof(EptSpte))] public ulong* Pt;
            [SpteSlot(typeof(EptSpte))] public Memory<ulong> Mem;
            [SpteSlot(typeof(EptSpte))] public ulong Prop { get; set; }

            [return: SpteSlot(typeof(EptSpte))]
            ref ulong Entry(int i) => ref Table[i];

            [return: SpteSlot(typeof(EptSpte))]
            ulong Zapped() => EptSpte.NonPresentValue;

            void Store([SpteSlot(typeof(EptSpte))] ulong value) { }

            void Zap(int i, bool frozen, [SpteSlot(typeof(EptSpte))] Span<ulong> span, [SpteSlot(typeof(EptSpte))] ref ulong sptep)
            {
                Root = EptSpte.NonPresentValue;
                Table[i] = EptSpte.NonPresentValue;
                Pt[i] = EptSpte.NonPresentValue;
                *Pt = EptSpte.NonPresentValue;
                *(Pt + i) = EptSpte.NonPresentValue;
                span[i] = EptSpte.NonPresentValue;
                sptep = EptSpte.NonPresentValue;
                Mem.Span[i] = EptSpte.NonPresentValue;
                Prop = EptSpte.NonPresentValue;
                Entry(i) = EptSpte.NonPresentValue;
                Table[i] = EptSpte.NonPresentValue;
                Table[i] = EptSpte.NonPresentValue;
                Table[i] = EptSpte.NonPresentValue;
                Table[i] = EptSpte.NonPresentValue;
                Table[i] = frozen ? EptSpte.FrozenValue : EptSpte.NonPresentValue;
                Table[i] = EptSpte.NonPresentValue;
                (Table[0], Table[1]) = (EptSpte.NonPresentValue, EptSpte.NonPresentValue);
                Store(EptSpte.NonPresentValue);
                Interlocked.Exchange(ref Table[i], EptSpte.NonPresentValue);
                Interlocked.CompareExchange(ref Table[i], EptSpte.NonPresentValue, EptSpte.NonPresentValue);
                Volatile.Write(ref Table[i], EptSpte.NonPresentValue);
            }
        }
        """);
    [Fact]
    public Task Slots_follow_the_code_into_locals() => Verify.FixAsync(
        """
        using System;
        using Spte;
        using Kvm;

        unsafe class Mmu
        {
            [SpteSlot(typeof(EptSpte))] public ulong* Pt;
            [SpteSlot(typeof(EptSpte))] public ulong[] Table = null!;

            void Zap(int i)
            {
                ulong* pt = Pt;
                pt[i] = {|SPTE1001:0|};
                ulong* next = pt + 1;
                *next = {|SPTE1001:0|};
                ulong* element = &Pt[i];
                *element = {|SPTE1001:0|};
                var span = new Span<ulong>(Pt, 512);
                span[i] = {|SPTE1001:0|};
                ref ulong entry = ref Table[i];
                entry = {|SPTE1001:0|};
                var tail = Table.AsSpan(1).Slice(2);
                tail[i] = {|SPTE1001:0|};
                fixed (ulong* pinned = Table)
                {
                    pinned[i] = {|SPTE1001:0|};
                }

                foreach (ref ulong each in span)
                {
                    each = {|SPTE1001:0|};
                }

                ulong staged = {|SPTE1001:0|};
                Table[i] = staged;
            }

            void LaterAssignment(int n)
            {
                ulong* second = null;
                ulong* first = null;
                for (var i = 0; i < n; i++)
                {
                    second = first;
                    second[i] = {|SPTE1001:0|};
                    first = Pt;
                }
            }
        }
        """,
        """
        using System;
        using Spte;
        using Kvm;

        unsafe class Mmu
        {
            [SpteSlot(typeof(EptSpte))] public ulong* Pt;
            [SpteSlot(typeof(EptSpte))] public ulong[] Table = null!;

            void Zap(int i)
            {
                ulong* pt = Pt;
                pt[i] = EptSpte.NonPresentValue;
                ulong* next = pt + 1;
                *next = EptSpte.NonPresentValue;
                ulong* element = &Pt[i];
                *element = EptSpte.NonPresentValue;
                var span = new Span<ulong>(Pt, 512);
                span[i] = EptSpte.NonPresentValue;
                ref ulong entry = ref Table[i];
                entry = EptSpte.NonPresentValue;
                var tail = Table.AsSpan(1).Slice(2);
                tail[i] = EptSpte.NonPresentValue;
                fixed (ulong* pinned = Table)
                {
                    pinned[i] = EptSpte.NonPresentValue;
                }

                foreach (ref ulong each in span)
                {
                    each = EptSpte.NonPresentValue;
                }

                ulong staged = EptSpte.NonPresentValue;
                Table[i] = staged;
            }

            void LaterAssignment(int n)
            {
                ulong* second = null;
                ulong* first = null;
                for (var i = 0; i < n; i++)
                {
                    second = first;
                    second[i] = EptSpte.NonPresentValue;
                    first = Pt;
                }
            }
        }
        """);

    [Fact]
    public Task A_zero_in_a_ulong_copy_of_an_entry_is_reported_when_the_copy_reaches_a_slot() => Verify.FixAsync(
        """
        using Spte;
        using Kvm;

        class Mmu
        {
            [SpteSlot(typeof(EptSpte))] ulong[] Table = null!;

            void Reset(int i)
            {
                ulong old = Table[i];
                old = {|SPTE1001:0|};
                Table[i] = old;
            }

            void Chain(int i)
            {
                ulong first = {|SPTE1001:0|};
                ulong second = first;
                ref ulong slot = ref Table[i];
                slot = second;
            }
        }
        """,
        """
        using Spte;
        using Kvm;

        class Mmu
        {
            [SpteSlot(typeof(EptSpte))] ulong[] Table = null!;

            void Reset(int i)
            {
                ulong old = Table[i];
                old = EptSpte.NonPresentValue;
                Table[i] = old;
            }

            void Chain(int i)
            {
                ulong first = EptSpte.NonPresentValue;
                ulong second = first;
                ref ulong slot = ref Table[i];
                slot = second;
            }
        }
        """);

    // Found by the precision probe on a real kernel (docs/benchmarks.md §6): a running maximum
    // over entries, started at 0, was reported although the 0 never reaches a slot.
    [Fact]
    public Task A_zero_in_a_ulong_copy_of_an_entry_that_never_reaches_a_slot_stays_silent() => Verify.DiagnosticsAsync(
        """
        using System;
        using Spte;
        using Kvm;

        class Scan
        {
            [SpteSlot(typeof(EptSpte))] ulong[] Table = null!;

            ulong Largest()
            {
                ulong best = 0;
                for (var i = 0; i < Table.Length; i++)
                {
                    if (Table[i] > best)
                    {
                        best = Table[i];
                    }
                }

                return best;
            }

            void Log(int i)
            {
                ulong seen = Table[i];
                Console.WriteLine(seen);
                seen = 0;
                ulong a, b;
                (a, b) = (Table[0], Table[1]);
                (a, b) = (0, 0);
                Console.WriteLine(seen + a + b);
            }
        }
        """);

    [Fact]
    public Task A_default_parameter_value_is_reported_without_a_fix() => Verify.DiagnosticsAsync(
        """
        using Kvm;

        class Mmu
        {
            void Set(int i, EptSpte value = {|SPTE1001:default|}) { }

            void Caller() => Set(1);
        }
        """);

    [Fact]
    public Task Correct_code_and_zero_non_present_formats_stay_silent() => Verify.DiagnosticsAsync(
        """
        using System;
        using Spte;
        using Kvm;

        class Correct
        {
            [SpteSlot(typeof(EptSpte))] ulong[] Table = null!;
            [SpteSlot(typeof(NptSpte))] ulong[] NptTable = null!;
            [SpteSlot(typeof(MmioSpte))] ulong MmioRoot;
            ulong[] _counters = new ulong[4];

            void Writes(int i, EptSpte[] ept, NptSpte[] npt)
            {
                ept[i] = EptSpte.NonPresent;
                ept[i] = EptSpte.Frozen;
                Table[i] = EptSpte.NonPresentValue;
                Table[i] = EptSpte.FrozenValue;
                Table[i] = ept[i].Raw;

                // Unmarked ulong storage is not an entry.
                _counters[i] = 0;
                ulong count = 0;
                _counters[i] = count;

                // Zero is the non-present value of these formats.
                npt[i] = default;
                NptTable[i] = 0;
                MmioRoot = 0;

                // Building a present entry from a zero base stores the built entry, not the zero.
                var leaf = EptSpte.Leaf.FromRaw(0).WithReadable(true);
                ept[i] = EptSpte.FromRaw(0).WithPfn(5).WithMmuPresent(true);
                var text = default(EptSpte).ToString();

                // Arithmetic on an entry is not an entry.
                ulong pfn = ept[i].Raw & EptSpte.PfnMask;
                pfn = 0;
                ulong masked = Table[i];
                masked &= ~EptSpte.PresentMask;
                masked = 0;
            }

            void NotAnEntry<T>(T[] table) where T : struct => table[0] = default;
        }
        """);

    [Fact]
    public Task Zero_passed_to_slot_parameters_of_indexers_constructors_and_initializers_becomes_NonPresentValue() => Verify.FixAsync(
        """
        using Spte;
        using Kvm;

        class Table
        {
            public Table([SpteSlot(typeof(EptSpte))] ulong root) { }

            public Table() : this({|SPTE1001:0|}) { }

            public ulong this[[SpteSlot(typeof(EptSpte))] ulong old, int i] { get => old; set { } }
        }

        sealed class Shadow : Table
        {
            public Shadow(bool frozen) : base(frozen ? EptSpte.FrozenValue : {|SPTE1001:0|}) { }
        }

        class Mmu
        {
            void Zap(Table table, int i)
            {
                table[{|SPTE1001:0|}, i] = 1;
                _ = table[{|SPTE1001:0UL|}, i];
                _ = new Table({|SPTE1001:0|});
                Table fresh = new({|SPTE1001:(ulong)0|});
            }
        }
        """,
        """
        using Spte;
        using Kvm;

        class Table
        {
            public Table([SpteSlot(typeof(EptSpte))] ulong root) { }

            public Table() : this(EptSpte.NonPresentValue) { }

            public ulong this[[SpteSlot(typeof(EptSpte))] ulong old, int i] { get => old; set { } }
        }

        sealed class Shadow : Table
        {
            public Shadow(bool frozen) : base(frozen ? EptSpte.FrozenValue : EptSpte.NonPresentValue) { }
        }

        class Mmu
        {
            void Zap(Table table, int i)
            {
                table[EptSpte.NonPresentValue, i] = 1;
                _ = table[EptSpte.NonPresentValue, i];
                _ = new Table(EptSpte.NonPresentValue);
                Table fresh = new(EptSpte.NonPresentValue);
            }
        }
        """);

    [Fact]
    public Task Empty_values_and_unmarked_parameters_of_indexers_constructors_and_initializers_stay_silent() => Verify.DiagnosticsAsync(
        """
        using Spte;
        using Kvm;

        class Table
        {
            public Table([SpteSlot(typeof(EptSpte))] ulong root, ulong count = 0) { }

            public Table() : this(EptSpte.NonPresentValue, 0) { }

            public ulong this[[SpteSlot(typeof(EptSpte))] ulong old, ulong i] { get => old; set { } }
        }

        sealed class Shadow : Table
        {
            public Shadow() : base(EptSpte.FrozenValue) { }
        }

        sealed class Counters
        {
            public ulong this[ulong i] { get => i; set { } }
        }

        class Mmu
        {
            void Zap(Table table, Counters counters)
            {
                table[EptSpte.NonPresentValue, 0] = 0;
                _ = table[EptSpte.FrozenValue, 0];
                counters[0] = 0;
                _ = new Table(EptSpte.NonPresentValue, 0);
            }
        }
        """);

    [Fact]
    public Task Function_pointer_calls_report_zero_entries_and_have_no_raw_slot_parameters() => Verify.FixAsync(
        """
        using Kvm;

        unsafe class Mmu
        {
            void Zap(delegate*<EptSpte, void> store, delegate*<ulong, void> storeRaw)
            {
                store({|SPTE1001:default|});
                store(EptSpte.NonPresent);
                storeRaw(0);
            }
        }
        """,
        """
        using Kvm;

        unsafe class Mmu
        {
            void Zap(delegate*<EptSpte, void> store, delegate*<ulong, void> storeRaw)
            {
                store(EptSpte.NonPresent);
                store(EptSpte.NonPresent);
                storeRaw(0);
            }
        }
        """);
}

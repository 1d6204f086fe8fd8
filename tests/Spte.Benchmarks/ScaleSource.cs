using System.Collections.Generic;
using System.Globalization;

namespace Spte.Benchmarks;

/// <summary>
/// The sources of a project with many formats, each shaped like KVM's EPT SPTE: five bits, a
/// leaf view with an enum run and the pfn, an MMIO view with a split generation, a special value
/// and a declared assertion. Used in process by <see cref="GeneratorBenchmarks"/> and written to
/// disk by <see cref="ScaleProject"/>, so both measure the same input.
/// </summary>
public static class ScaleSource
{
    /// <summary>The path of the file that <see cref="Unrelated"/> edits.</summary>
    public const string UnrelatedPath = "Unrelated.cs";

    /// <summary>Every source file of a project with <paramref name="formats"/> formats, as (relative path, text).</summary>
    public static IEnumerable<(string Path, string Text)> Files(int formats)
    {
        yield return ("EptMemoryType.cs", MemoryType);
        yield return (UnrelatedPath, Unrelated(0));
        for (var i = 0; i < formats; i++)
        {
            yield return ($"Formats/Spte{i.ToString("D4", CultureInfo.InvariantCulture)}.cs", Format(i));
        }
    }

    /// <summary>A file no format depends on; <paramref name="edit"/> changes a method body, as typing would.</summary>
    public static string Unrelated(int edit) => $$"""
        namespace Scale;

        public static class Unrelated
        {
            public static int Answer() => {{edit.ToString(CultureInfo.InvariantCulture)}};
        }
        """;

    /// <summary>The format numbered <paramref name="index"/>.</summary>
    public static string Format(int index) => $$"""
        using Spte;

        namespace Scale;

        [SpteFormat(NonPresentValue = 1UL << 63)]
        [SpecialValue("Frozen", (1UL << 63) | 0x5a0)]
        [Disjoint("Frozen", "Leaf.Pfn")]
        public readonly partial struct Spte{{index.ToString("D4", CultureInfo.InvariantCulture)}}
        {
            [Bit(0)] public partial bool Readable { get; }
            [Bit(1)] public partial bool Writable { get; }
            [Bit(2)] public partial bool Executable { get; }
            [Bit(11), Present] public partial bool MmuPresent { get; }
            [Bit(63)] public partial bool SuppressVe { get; }

            [SpteView]
            public readonly partial struct Leaf
            {
                [Bits(3, 5)] public partial EptMemoryType MemoryType { get; }
                [Bits(12, 51)] public partial ulong Pfn { get; }
            }

            [SpteView]
            public readonly partial struct Mmio
            {
                [Bits(3, 10), Bits(52, 62)] public partial uint Generation { get; }
            }
        }
        """;

    private const string MemoryType = """
        namespace Scale;

        public enum EptMemoryType : byte
        {
            Uncacheable = 0,
            WriteCombining = 1,
            WriteThrough = 4,
            WriteProtected = 5,
            WriteBack = 6,
        }
        """;
}

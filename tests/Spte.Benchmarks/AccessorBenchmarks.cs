using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Spte.ZeroCost;

namespace Spte.Benchmarks;

/// <summary>
/// Generated accessors against the bare <see cref="ulong"/> twin (the baseline of each category)
/// and the hand-written struct twin, each over the same 512-entry table (the present counts over
/// copies of it, see <see cref="Tables"/>).
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[DisassemblyDiagnoser(maxDepth: 1)]
public class AccessorBenchmarks
{
    private const string Read = "Read Pfn";
    private const string ReadSplit = "Read split Generation";
    private const string With = "WithPfn";
    private const string Present = "IsPresent count";

    private readonly Tables tables = new();

    /// <summary>Baseline: the pfn of every entry, summed.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory(Read)]
    public ulong ReadUlong()
    {
        ulong sum = 0;
        foreach (var spte in tables.Ulongs)
        {
            sum += UlongTwin.Pfn(spte);
        }

        return sum;
    }

    /// <summary>The pfn through the generated leaf view.</summary>
    [Benchmark, BenchmarkCategory(Read)]
    public ulong ReadGenerated()
    {
        ulong sum = 0;
        foreach (var spte in tables.Generated)
        {
            sum += spte.AsLeaf.Pfn;
        }

        return sum;
    }

    /// <summary>The pfn through the hand-written struct.</summary>
    [Benchmark, BenchmarkCategory(Read)]
    public ulong ReadStruct()
    {
        ulong sum = 0;
        foreach (var spte in tables.Structs)
        {
            sum += spte.Pfn;
        }

        return sum;
    }

    /// <summary>Baseline: the split generation of every entry, summed.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory(ReadSplit)]
    public ulong ReadSplitUlong()
    {
        ulong sum = 0;
        foreach (var spte in tables.Ulongs)
        {
            sum += UlongTwin.Generation(spte);
        }

        return sum;
    }

    /// <summary>The generation through the generated MMIO view.</summary>
    [Benchmark, BenchmarkCategory(ReadSplit)]
    public ulong ReadSplitGenerated()
    {
        ulong sum = 0;
        foreach (var spte in tables.Generated)
        {
            sum += spte.AsMmio.Generation;
        }

        return sum;
    }

    /// <summary>The generation through the hand-written struct.</summary>
    [Benchmark, BenchmarkCategory(ReadSplit)]
    public ulong ReadSplitStruct()
    {
        ulong sum = 0;
        foreach (var spte in tables.Structs)
        {
            sum += spte.Generation;
        }

        return sum;
    }

    /// <summary>Baseline: every entry's pfn rewritten in place, range check included.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory(With)]
    public void WithUlong()
    {
        var table = tables.Ulongs;
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = UlongTwin.WithPfn(table[i], (ulong)i);
        }
    }

    /// <summary>The generated <c>WithPfn</c>.</summary>
    [Benchmark, BenchmarkCategory(With)]
    public void WithGenerated()
    {
        var table = tables.Generated;
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = table[i].AsLeaf.WithPfn((ulong)i);
        }
    }

    /// <summary>The hand-written struct's <c>WithPfn</c>.</summary>
    [Benchmark, BenchmarkCategory(With)]
    public void WithStruct()
    {
        var table = tables.Structs;
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = table[i].WithPfn((ulong)i);
        }
    }

    // The present counts call the zero-cost test's probes, so they time exactly the code it compares.

    /// <summary>Baseline: present entries counted over bare values.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory(Present)]
    public int PresentUlong() => UlongTwinProbes.CountPresent(tables.UlongArray);

    /// <summary>Present entries counted with the generated <c>IsPresent</c>.</summary>
    [Benchmark, BenchmarkCategory(Present)]
    public int PresentGenerated() => GeneratedProbes.CountPresent(tables.GeneratedArray);

    /// <summary>Present entries counted with the hand-written struct.</summary>
    [Benchmark, BenchmarkCategory(Present)]
    public int PresentStruct() => StructTwinProbes.CountPresent(tables.StructArray);

    /// <summary>Present entries counted by code written once over <c>ISpte&lt;T&gt;</c>.</summary>
    [Benchmark, BenchmarkCategory(Present)]
    public int PresentGeneric() => GeneratedProbes.CountPresentOf(tables.GeneratedArray);
}

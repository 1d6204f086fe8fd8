using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Spte.ZeroCost;

namespace Spte.Benchmarks;

/// <summary>
/// A fresh table filled with the non-present value, and a table refilled with it, against the
/// zero fill they replace (the baseline of each category): KVM fills every new page table with
/// SHADOW_NONPRESENT_VALUE where it used to rely on zeroed pages.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[MemoryDiagnoser]
public class TableBenchmarks
{
    private const string Allocate = "Allocate 512";
    private const string Refill = "Refill 512";

    // One table for every refill, so each variant writes the same 4 KB.
    private readonly Tables page = new();

    /// <summary>Baseline: the zeroed array a format with non-present value 0 gets.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory(Allocate)]
    public ulong[] NewZeroedArray() => new ulong[Tables.Entries];

    /// <summary>The generated <c>NewTable</c>.</summary>
    [Benchmark, BenchmarkCategory(Allocate)]
    public EptSpte[] NewTable() => EptSpte.NewTable(Tables.Entries);

    /// <summary>The hand-written equivalent: an uninitialised array filled with the raw value.</summary>
    [Benchmark, BenchmarkCategory(Allocate)]
    public ulong[] NewFilledUlongArray()
    {
        var table = GC.AllocateUninitializedArray<ulong>(Tables.Entries);
        table.AsSpan().Fill(UlongTwin.NonPresentValue);
        return table;
    }

    /// <summary>The other way to write it: a zeroed array, then filled (two passes over the 4 KB).</summary>
    [Benchmark, BenchmarkCategory(Allocate)]
    public ulong[] NewZeroedThenFilled()
    {
        var table = new ulong[Tables.Entries];
        table.AsSpan().Fill(UlongTwin.NonPresentValue);
        return table;
    }

    /// <summary>Baseline: clearing a table to zero.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory(Refill)]
    public void ArrayClear() => Array.Clear(page.UlongArray);

    /// <summary>Refilling a generated table with <c>NonPresent</c>.</summary>
    [Benchmark, BenchmarkCategory(Refill)]
    public void FillNonPresent() => page.Generated.Fill(EptSpte.NonPresent);

    /// <summary>The hand-written equivalent: a bare table filled with the raw value.</summary>
    [Benchmark, BenchmarkCategory(Refill)]
    public void FillUlongNonPresent() => page.Ulongs.Fill(UlongTwin.NonPresentValue);
}

using System;
using Spte.ZeroCost;

// Calls every probe once so the JIT compiles it (with DOTNET_TieredCompilation=0, straight to
// fully optimised code), and checks that generated code and twins compute the same values, so
// equal machine code is never equal by accident of a wrong twin; IdiomValueCheck does the same
// for every probe of ProbeCatalog against each of its hand-written idioms.
const int Entries = 512;
const ulong Sample = 0x7FF0_0012_3456_7FF3;

var generated = EptSpte.NewTable(Entries);
var ulongs = new ulong[Entries];
var structs = new StructTwin[Entries];
for (var i = 0; i < Entries; i++)
{
    // Every third entry present, the rest non-present, like a sparsely mapped page table.
    var raw = i % 3 == 0 ? ((ulong)i << 12) | UlongTwin.MmuPresentMask | 0x7 : UlongTwin.NonPresentValue;
    generated[i] = EptSpte.FromRaw(raw);
    ulongs[i] = raw;
    structs[i] = StructTwin.FromRaw(raw);
}

var spte = EptSpte.FromRaw(Sample);
var twin = StructTwin.FromRaw(Sample);
(string Name, ulong Generated, ulong Ulong, ulong Struct)[] results =
[
    ("Readable", B(GeneratedProbes.Readable(spte)), B(UlongTwinProbes.Readable(Sample)), B(StructTwinProbes.Readable(twin))),
    ("IsPresent", B(GeneratedProbes.IsPresent(spte)), B(UlongTwinProbes.IsPresent(Sample)), B(StructTwinProbes.IsPresent(twin))),
    ("MemoryType", (ulong)GeneratedProbes.MemoryType(spte.AsLeaf), (ulong)UlongTwinProbes.MemoryType(Sample), (ulong)StructTwinProbes.MemoryType(twin)),
    ("Pfn", GeneratedProbes.Pfn(spte.AsLeaf), UlongTwinProbes.Pfn(Sample), StructTwinProbes.Pfn(twin)),
    ("AsLeafPfn", GeneratedProbes.AsLeafPfn(spte), UlongTwinProbes.AsLeafPfn(Sample), StructTwinProbes.AsLeafPfn(twin)),
    ("Generation", GeneratedProbes.Generation(spte.AsMmio), UlongTwinProbes.Generation(Sample), StructTwinProbes.Generation(twin)),
    ("WithReadable", GeneratedProbes.WithReadable(spte, false).Raw, UlongTwinProbes.WithReadable(Sample, false), StructTwinProbes.WithReadable(twin, false).Raw),
    ("WithPfn", GeneratedProbes.WithPfn(spte.AsLeaf, 0xABCDE).Raw, UlongTwinProbes.WithPfn(Sample, 0xABCDE), StructTwinProbes.WithPfn(twin, 0xABCDE).Raw),
    ("WithMemoryType", GeneratedProbes.WithMemoryType(spte.AsLeaf, EptMemoryType.WriteBack).Raw, UlongTwinProbes.WithMemoryType(Sample, EptMemoryType.WriteBack), StructTwinProbes.WithMemoryType(twin, EptMemoryType.WriteBack).Raw),
    ("WithGeneration", GeneratedProbes.WithGeneration(spte.AsMmio, 0x5A5A5).Raw, UlongTwinProbes.WithGeneration(Sample, 0x5A5A5), StructTwinProbes.WithGeneration(twin, 0x5A5A5).Raw),
    ("WithGenerationKvmOrder", GeneratedProbes.WithGeneration(spte.AsMmio, 0x5A5A5).Raw, UlongTwinProbes.WithGenerationKvmOrder(Sample, 0x5A5A5), StructTwinProbes.WithGeneration(twin, 0x5A5A5).Raw),
    ("FillNonPresent", Fill(GeneratedProbes.FillNonPresent, EptSpte.NewTable(Entries), static t => t[7].Raw), Fill(UlongTwinProbes.FillNonPresent, new ulong[Entries], static t => t[7]), Fill(StructTwinProbes.FillNonPresent, new StructTwin[Entries], static t => t[7].Raw)),
    ("NewTable", GeneratedProbes.NewTable(Entries)[Entries - 1].Raw, UlongTwinProbes.NewTable(Entries)[Entries - 1], StructTwinProbes.NewTable(Entries)[Entries - 1].Raw),
    ("CountPresent", (ulong)GeneratedProbes.CountPresent(generated), (ulong)UlongTwinProbes.CountPresent(ulongs), (ulong)StructTwinProbes.CountPresent(structs)),
    ("CountPresentOf", (ulong)GeneratedProbes.CountPresentOf(generated), (ulong)UlongTwinProbes.CountPresent(ulongs), (ulong)StructTwinProbes.CountPresent(structs)),
];

var failures = 0;
foreach (var (name, g, u, s) in results)
{
    var same = g == u && u == s;
    failures += same ? 0 : 1;
    Console.WriteLine($"{name}: generated=0x{g:X} ulong=0x{u:X} struct=0x{s:X}{(same ? "" : "  MISMATCH")}");
}

foreach (var mismatch in IdiomValueCheck.Mismatches())
{
    failures++;
    Console.WriteLine("MISMATCH " + mismatch);
}

return failures;

static ulong B(bool value) => value ? 1UL : 0UL;

static ulong Fill<T>(Action<T[]> fill, T[] table, Func<T[], ulong> read)
{
    fill(table);
    return read(table);
}

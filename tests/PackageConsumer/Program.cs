using System;
using Spte;

var table = NptSpte.NewTable(512);
var spte = EptSpte.NonPresent.WithPfn(0xABC).WithMmuPresent(true);
Console.WriteLine($"ept: {EptSpte.NewTable(4)[3]}");
Console.WriteLine($"ept: {spte}");
Console.WriteLine($"npt: {table[511]} present={table[511].IsPresent}");

[SpteFormat(NonPresentValue = 1UL << 63)]
[SpecialValue("Frozen", (1UL << 63) | 0x5a0)]
public readonly partial struct EptSpte
{
    [Bit(11), Present] public partial bool MmuPresent { get; }
    [Bits(12, 51)] public partial ulong Pfn { get; }
}

[SpteFormat]
public readonly partial struct NptSpte
{
    [Bit(0), Present] public partial bool PresentBit { get; }
}

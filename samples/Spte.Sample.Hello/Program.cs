using System;
using Spte.Sample.Hello;

var leaf = EptSpte.Leaf.FromRaw(0)
    .WithReadable(true)
    .WithWritable(true)
    .WithMemoryType(EptMemoryType.WriteBack)
    .WithPfn(0x1234);
EptSpte spte = leaf.WithMmuPresent(true).WithSuppressVe(true);

Console.WriteLine($"fresh table entry: {EptSpte.NewTable(512)[0]}");
Console.WriteLine($"mapped leaf:       {spte.AsLeaf}");
Console.WriteLine($"present:           {spte.IsPresent}");
Console.WriteLine($"frozen:            {EptSpte.Frozen} present={EptSpte.Frozen.IsPresent}");
Console.WriteLine($"mmio generation:   {EptSpte.Mmio.FromRaw(0).WithGeneration(0x7FFFF)}");

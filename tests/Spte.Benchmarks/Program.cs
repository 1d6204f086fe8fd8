using System;
using BenchmarkDotNet.Running;
using Spte.Benchmarks;

// `emit-project DIR N` writes a buildable project with N formats (scripts/generator-scale.sh
// measures the generator in a real build with it); `step-times N [RUNS]` prints where a generator
// run over N formats spends its time; `mmu-scale CSV [C_OUTPUT | C-sync=C_OUTPUT ...]` times the runtime's MMU
// from 1K to 1M mapped pages and merges the C references' runs (best of each) (scripts/mmu-scale.sh runs both);
// `mmu-legacy` times the legacy MMU beside the TDP MMU on the same workloads;
// `mmu-stress [--gib N] [--threads N] [--ops N] [--seed N] ...` runs KVM's mmu_stress_test stages on the model, exit 1 on any violation or leak;
// `mmu-plot CSV PNG` plots per-fault cost from that CSV; anything else goes to BenchmarkDotNet.
switch (args)
{
    case ["emit-project", var directory, var count]:
        ScaleProject.Write(directory, Number(count));
        Console.WriteLine($"wrote {count} formats to {directory}");
        return 0;
    case ["step-times", var count, .. var rest]:
        GeneratorStepTimes.Print(Number(count), rest is [var runs] ? Number(runs) : 5);
        return 0;
    case ["mmu-scale", var csv, .. var c]:
        MmuScale.Run(csv, c);
        return 0;
    case ["mmu-legacy"]:
        MmuLegacy.Run();
        return 0;
    case ["mmu-stress", .. var options]:
        return MmuStress.Run(options);
    case ["mmu-plot", var csv, var png]:
        MmuPlot.Write(csv, png);
        return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(ScaleSource).Assembly).Run(args);
return 0;

static int Number(string text) => int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

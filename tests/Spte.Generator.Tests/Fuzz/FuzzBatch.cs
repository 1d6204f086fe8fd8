using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using CsCheck;
using Microsoft.CodeAnalysis;
using Spte.Generator.Tests.Infrastructure;

namespace Spte.Generator.Tests.Fuzz;

/// <summary>
/// Many random formats in one compilation: a compilation's fixed cost (binding ~200 reference
/// assemblies) dwarfs one format's, so the fuzz tests batch.
/// </summary>
internal static partial class FuzzBatch
{
    public const int Size = 50;

    /// <summary>The raw ingredients of one spec: a stream of choices and a stream of 64-bit values.</summary>
    public static readonly Gen<(uint[] Choices, ulong[] Values)> Ingredients = Gen.Select(Gen.UInt.Array[96], Gen.ULong.Array[24]);

    /// <summary>How many specs each property test tries: <c>SPTE_FUZZ_SPECS</c>, 1,000 when unset.</summary>
    public static int Specs { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("SPTE_FUZZ_SPECS"), NumberStyles.None, CultureInfo.InvariantCulture, out var specs) && specs > 0 ? specs : 1000;

    public static int Batches => (Specs + Size - 1) / Size;

    public static GeneratorRun Generate(IEnumerable<FormatModel> formats) =>
        GeneratorRun.Of(TestCompilation.Create("FuzzBatch", [.. formats.Select(static f => new SourceFile(f.FilePath, FormatRenderer.Render(f)))]));

    /// <summary>What CsCheck prints for a failing batch: the failure itself names and shows the spec.</summary>
    public static string Describe((uint[] Choices, ulong[] Values)[] batch) => $"a batch of {batch.Length} specs";

    /// <summary>Which spec of the batch a diagnostic belongs to: its own file, or the file generated for it.</summary>
    public static int? SpecOf(Diagnostic diagnostic)
    {
        var path = diagnostic.Location.GetLineSpan().Path ?? string.Empty;
        var match = SpecPath().Match(path);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex(@"(?:^Spec|[./+]Fz)(\d+)(?:\.cs|\.g\.cs)$")]
    private static partial Regex SpecPath();
}

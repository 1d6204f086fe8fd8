using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Spte.Generator;
using Spte.Tests;
using Xunit;

namespace Spte.Analyzers.Tests;

/// <summary>
/// The review's defects, written into the runtime's own files where KVM had them: the runtime's
/// sources as they are on disk are compiled with the generator, once as written (no SPTE
/// diagnostic may appear) and once per defect (exactly the expected one, on the defect's line).
/// </summary>
public sealed class RuntimeSourceTests
{
    private static readonly string RuntimeDirectory = Path.Combine(RepositoryRoot.Path, "runtime", "Spte.Runtime");

    public static TheoryData<string, string, string, string> Defects => new()
    {
        // Defect 1: mmu_spte_clear_track_bits (drop_spte's write) still writes 0.
        { "Mmu/Shadow/ShadowMmu.cs", "_kvm.ZapValue(ZapPath.MmuSpteClearTrackBits).Raw", "0UL", "SPTE1001" },

        // Defect 1, second helper: mmu_spte_clear_no_track (drop_parent_pte, MMIO) writes 0.
        { "Mmu/Shadow/ShadowMmu.cs", "_kvm.ZapValue(ZapPath.MmuSpteClearNoTrack).Raw", "0", "SPTE1001" },

        // Defect 2, as the seed patch wrote it: FNAME(sync_page) skips every entry that is not the non-present value.
        { "Mmu/Shadow/ShadowMmu.Sync.cs", ": !Spte<T>.IsShadowPresentPte(spte))", ": spte.Raw != T.NonPresent.Raw)", "SPTE1003" },

        // Defect 2, before the patch: sync_page tests presence with !sp->spt[i].
        { "Mmu/Shadow/ShadowMmu.Sync.cs", ": !Spte<T>.IsShadowPresentPte(spte))", ": spte.Raw == 0)", "SPTE1003" },

        // Defect 2's family in the legacy zap: presence compared with 0.
        { "Mmu/Shadow/ShadowMmu.Zap.cs", "if (Spte<T>.IsShadowPresentPte(spte))", "if (spte.Raw != 0)", "SPTE1003" },

        // Defect 3: the topup fills only part of a fresh page-table page.
        { "Memory/HostMemory.cs", "var table = GC.AllocateUninitializedArray<T>(EntriesPerPage, pinned: true);\n            table.AsSpan().Fill(T.NonPresent);", "var table = GC.AllocateUninitializedArray<T>(EntriesPerPage, pinned: true);\n            table.AsSpan(0, EntriesPerPage / 2).Fill(T.NonPresent);", "SPTE1002" },
    };

    [Fact]
    public async Task The_runtime_as_written_compiles_with_no_spte_diagnostic()
    {
        var diagnostics = await AnalyzeRuntimeAsync(null, null, null);

        Assert.Empty(diagnostics);
    }

    [Theory]
    [MemberData(nameof(Defects))]
    public async Task A_defect_written_into_the_runtime_is_reported_on_its_line(string file, string original, string defect, string id)
    {
        var diagnostics = await AnalyzeRuntimeAsync(file, original, defect);

        var found = Assert.Single(diagnostics);
        Assert.Equal(id, found.Id);
        var path = Path.Combine(RuntimeDirectory, file);
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        // The defect's first line: the write, the comparison, or the allocation that is not filled.
        var defectLine = text[..text.IndexOf(original, StringComparison.Ordinal)].Count(static c => c == '\n');
        var span = found.Location.GetLineSpan();
        Assert.Equal(path, span.Path);
        Assert.Equal(defectLine, span.StartLinePosition.Line);
    }

    /// <summary>
    /// The SPTE diagnostics of the runtime compiled in memory, with <paramref name="original"/> in
    /// <paramref name="file"/> replaced by <paramref name="defect"/> (or nothing replaced). The
    /// compilation must have no errors, so the analyzers see the code the build sees.
    /// </summary>
    private static async Task<ImmutableArray<Diagnostic>> AnalyzeRuntimeAsync(string? file, string? original, string? defect)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.None);
        var trees = Directory.EnumerateFiles(RuntimeDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(static p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(path =>
            {
                var text = File.ReadAllText(path).ReplaceLineEndings("\n");
                if (file is not null && path == Path.Combine(RuntimeDirectory, file))
                {
                    Assert.Contains(original!, text, StringComparison.Ordinal);
                    text = text.Replace(original!, defect!, StringComparison.Ordinal);
                }

                return CSharpSyntaxTree.ParseText(text, parse, path);
            })
            .ToArray();
        var compilation = CSharpCompilation.Create(
            "Spte.Runtime",
            trees,
            [.. Basic.Reference.Assemblies.Net100.References.All, MetadataReference.CreateFromFile(typeof(SpteFormatAttribute).Assembly.Location), MetadataReference.CreateFromFile(typeof(Iced.Intel.Assembler).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true,
                specificDiagnosticOptions: [new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]));
        CSharpGeneratorDriver.Create(new SpteGenerator()).WithUpdatedParseOptions(parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out var generated, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);
        var errors = generated.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, string.Join(Environment.NewLine, errors.Take(5)));

        var analyzed = generated.WithAnalyzers([new NonPresentAnalyzer()]);
        var diagnostics = await analyzed.GetAnalyzerDiagnosticsAsync();
        return [.. diagnostics.Where(static d => d.Id.StartsWith("SPTE", StringComparison.Ordinal))];
    }
}

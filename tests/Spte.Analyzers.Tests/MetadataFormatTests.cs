using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Spte.Analyzers.Tests.Infrastructure;
using Xunit;
using Verify = Spte.Analyzers.Tests.Infrastructure.Verifier<Spte.Analyzers.CodeFixes.NonPresentCodeFixProvider>;

namespace Spte.Analyzers.Tests;

/// <summary>Formats usually come from another assembly (a formats library, the Spte runtime): the attributes are read from metadata.</summary>
public sealed class MetadataFormatTests
{
    [Fact]
    public async Task Formats_from_a_referenced_assembly_are_checked()
    {
        var formats = CompileFormats();
        await Verify.DiagnosticsWithMetadataFormatsAsync(
            """
            using Spte;
            using Kvm;

            class Mmu
            {
                [SpteSlot(typeof(EptSpte))] ulong[] _spt = null!;

                void Zap(int i, EptSpte[] table, NptSpte[] npt)
                {
                    _spt[i] = {|SPTE1001:0|};
                    table[i] = {|SPTE1001:default|};
                    npt[i] = default;
                    var fresh = {|SPTE1002:new EptSpte[512]|};
                    if ({|SPTE1003:table[i].Raw == 0|}) { }
                    var leaf = {|SPTE1001:default(EptSpte.Leaf)|};
                }
            }
            """,
            formats);
    }

    [Fact]
    public async Task Slot_parameters_of_indexers_from_a_referenced_assembly_are_checked()
    {
        var formats = CompileFormats(
            """
            using Spte;

            namespace Kvm
            {
                public sealed class Shadow
                {
                    public ulong this[[SpteSlot(typeof(EptSpte))] ulong old] { get => old; set { } }
                }
            }
            """);
        await Verify.DiagnosticsWithMetadataFormatsAsync(
            """
            using Kvm;

            class Mmu
            {
                void Zap(Shadow shadow)
                {
                    shadow[{|SPTE1001:0|}] = 1;
                    _ = shadow[EptSpte.NonPresentValue];
                }
            }
            """,
            formats);
    }

    private static MetadataReference CompileFormats(params string[] libraries)
    {
        var compilation = CSharpCompilation.Create(
            "Kvm.Formats",
            [CSharpSyntaxTree.ParseText(Formats.Source), .. libraries.Select(library => CSharpSyntaxTree.ParseText(library))],
            [.. Basic.Reference.Assemblies.Net100.References.All, MetadataReference.CreateFromFile(typeof(SpteFormatAttribute).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return MetadataReference.CreateFromImage(image.ToArray());
    }
}

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Spte.Analyzers.Tests.Infrastructure;
using Xunit;

namespace Spte.Analyzers.Tests;

/// <summary>
/// The analyzers run while the user types: broken and half-typed code must never make them throw
/// (an exception surfaces as AD0001 and silences every rule for the file).
/// </summary>
public sealed class RobustnessTests
{
    public static TheoryData<string> BrokenCode { get; } = new()
    {
        // Missing types and members.
        "class C { void M() { Missing m = default; if (m.Raw == 0) { } m = Missing.FromRaw(0); } }",
        "class C { void M(EptSpte e) { e = EptSpte.Missing; e.Missing = 0; var x = e.Raw.Missing == 0; } }",
        "class C { [SpteSlot(typeof(Missing))] ulong R; void M() { R = 0; } }",
        "class C { [SpteSlot] ulong R; [SpteSlot(42)] ulong S; [SpteSlot(null)] ulong T; void M() { R = 0; S = 0; T = 0; } }",
        "class C { [SpteSlot(typeof(EptSpte.Leaf))] ulong[] V; [SpteSlot(typeof(string))] ulong W; void M() { V[0] = 0; W = 0; } }",
        "[SpteFormat(NonPresentValue = \"x\")] struct Bad { } class C { void M() { Bad b = default; var t = new Bad[4]; } }",
        "[SpteFormat(NonPresentValue = -1)] struct Bad2 { public ulong Raw => 0; } class C { bool M(Bad2 b) => b.Raw == 0; }",
        // Incomplete statements and expressions.
        "class C { void M(EptSpte[] t) { EptSpte e = ; t[ = default; t[0] = ; } }",
        "class C { void M(EptSpte[] t) { var x = new EptSpte[; var y = new EptSpte[](); Array.Clear(; } }",
        "class C { unsafe void M() { Span<EptSpte> s = stackalloc EptSpte[; ulong* p = stackalloc; *p = ; p[ = 0; } }",
        "class C { void M(EptSpte e) { if (e.Raw == ) { } if ( == 0) { } if (e is ) { } if (e.Raw is not ) { } } }",
        "class C { void M(ulong[] t) { Interlocked.Exchange(ref t[0], ); Interlocked.CompareExchange(ref , 0, 0); Volatile.Write(ref t[0]); } }",
        "class C { void M() { GC.AllocateArray<EptSpte>(); GC.AllocateUninitializedArray<>(4); NativeMemory.Clear(); NativeMemory.AllocZeroed(); } }",
        "class C { void M(Span<EptSpte> s) { s.Fill(); s.Clear(1); Array.Fill(); Array.Fill(null, default); } }",
        "class C { EptSpte M() { return; } EptSpte N() => ; [return: SpteSlot(typeof(EptSpte))] ulong O() { return ; } }",
        // Error types, odd shapes, recursion.
        "class C { unsafe void M() { var p = p + 1; ulong* q = q; q[0] = 0; var (a, b) = (0, 1, 2); (a, b) = default; } }",
        "class C { void M<T>(T[] t) where T : ISpte<T> { t[0] = default; t[0] = T.FromRaw(); if (t[0].Raw == T.NonPresentValue) { } } }",
        "class C { void M<T>(T[] t) where T : struct, ISpte<Missing> { t[0] = default; var x = new T[4]; } }",
        "class C { void M<A, B>(A[] t) where A : struct, B where B : A, ISpte<A> { t[0] = default; var x = new A[4]; } }",
        "interface I<T> : I<T>, ISpte<T> where T : struct, I<T> { } class C { void M<T>(T[] t) where T : struct, I<T> { t[0] = default; } }",
        "class C { void M() { foreach (ref ulong e in ) { e = 0; } fixed (ulong* p = ) { p[0] = 0; } } }",
        "class C { [SpteSlot(typeof(EptSpte))] ulong[] T; void M() { ref ulong e = ref T[0]; e = ref e; e = 0; T = T; } }",
        "class C { void M(EptSpte e) { var f = () => default(EptSpte); var g = (EptSpte x = default) => x; e = e switch { }; } }",
        "class C { object M(EptSpte e) => e switch { { Raw: 0 } => default(EptSpte), _ => throw null } ; }",
        "partial struct EptSpte { bool B => Raw == ; }",
        "class C { void M() { EptSpte[] t = [default, .., ]; EptSpte[] u = [.. null]; } }",
        "unsafe class C { [SpteSlot(typeof(EptSpte))] ulong* P; void M() { P = (ulong*)NativeMemory.AllocZeroed(; var s = new Span<ulong>(P, ); s.Clear( } }",
    };

    [Theory]
    [MemberData(nameof(BrokenCode))]
    public async Task Broken_code_never_makes_the_analyzer_throw(string code)
    {
        var exceptions = await RunAsync(code, withAnnotations: true);
        Assert.Empty(exceptions);
    }

    [Fact]
    public async Task Without_the_annotations_the_analyzer_does_nothing_and_does_not_throw()
    {
        var exceptions = await RunAsync("class C { ulong[] T = new ulong[4]; void M() { T[0] = 0; } }", withAnnotations: false);
        Assert.Empty(exceptions);
    }

    private static async Task<IReadOnlyList<string>> RunAsync(string code, bool withAnnotations)
    {
        var prefix = "using System; using System.Threading; using System.Runtime.InteropServices; using Spte; using Kvm;\n";
        var trees = new List<SyntaxTree> { CSharpSyntaxTree.ParseText(prefix + code, path: "Broken.cs") };
        var references = Basic.Reference.Assemblies.Net100.References.All.ToList<MetadataReference>();
        if (withAnnotations)
        {
            trees.Add(CSharpSyntaxTree.ParseText(Formats.Source, path: "Formats.g.cs"));
            references.Add(MetadataReference.CreateFromFile(typeof(SpteFormatAttribute).Assembly.Location));
        }

        var compilation = CSharpCompilation.Create(
            "Broken",
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        var exceptions = new List<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, _, _) =>
            {
                lock (exceptions)
                {
                    exceptions.Add(exception.ToString());
                }
            },
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        var diagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NonPresentAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync();
        exceptions.AddRange(diagnostics.Where(d => d.Id == "AD0001").Select(d => d.ToString()));
        return exceptions;
    }
}

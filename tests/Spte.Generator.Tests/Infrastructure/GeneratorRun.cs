using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Spte.Generator.Tests.Infrastructure;

/// <summary>
/// One run of <see cref="SpteGenerator"/> through <see cref="CSharpGeneratorDriver"/>, as the
/// compiler would do it, with step tracking on so incremental tests can read what each step did.
/// </summary>
internal sealed class GeneratorRun
{
    private GeneratorRun(GeneratorDriver driver, CSharpCompilation input, Compilation output)
    {
        Driver = driver;
        Input = input;
        Output = output;
        Result = driver.GetRunResult();
    }

    /// <summary>The driver after the run; run it again on an edited compilation to test caching.</summary>
    public GeneratorDriver Driver { get; }

    public CSharpCompilation Input { get; }

    /// <summary><see cref="Input"/> plus the generated sources.</summary>
    public Compilation Output { get; }

    public GeneratorDriverRunResult Result { get; }

    public GeneratorRunResult Single => Assert.Single(Result.Results);

    /// <summary>The generator's own diagnostics (the SPTE00xx static asserts, or CS8785 if it threw).</summary>
    public ImmutableArray<Diagnostic> GeneratorDiagnostics => Result.Diagnostics;

    public static GeneratorRun Of(params SourceFile[] sources) =>
        Of(TestCompilation.Create("Formats", sources));

    public static GeneratorRun Of(CSharpCompilation input) =>
        Run(NewDriver(), input);

    public static GeneratorDriver NewDriver() =>
        CSharpGeneratorDriver.Create(
            [new SpteGenerator().AsSourceGenerator()],
            parseOptions: TestCompilation.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(GeneratorDriver driver, CSharpCompilation input)
    {
        var updated = driver.RunGeneratorsAndUpdateCompilation(input, out var output, out _);
        return new GeneratorRun(updated, input, output);
    }

    /// <summary>The text of the generated file <paramref name="hintName"/>.</summary>
    public string Source(string hintName)
    {
        var generated = Single.GeneratedSources.Where(s => s.HintName == hintName).ToList();
        Assert.True(
            generated.Count == 1,
            $"expected one generated file '{hintName}', got: {string.Join(", ", Single.GeneratedSources.Select(static s => s.HintName))}");
        return generated[0].SourceText.ToString();
    }

    /// <summary>Fails unless the generator ran without throwing and reported nothing.</summary>
    public GeneratorRun AssertNoGeneratorDiagnostics()
    {
        Assert.Null(Single.Exception);
        Assert.True(GeneratorDiagnostics.IsEmpty, "generator diagnostics:\n" + Describe(GeneratorDiagnostics));
        return this;
    }

    /// <summary>Fails if the input plus generated code has any warning or error, as a warnings-as-errors build would.</summary>
    public GeneratorRun AssertOutputCompilesCleanly()
    {
        var blocking = TestCompilation.Blocking(Output.GetDiagnostics());
        Assert.True(blocking.IsEmpty, "output compilation diagnostics:\n" + Describe(blocking));
        return this;
    }

    public static string Describe(ImmutableArray<Diagnostic> diagnostics) =>
        string.Join(Environment.NewLine, diagnostics.Select(static d =>
        {
            var line = d.Location.GetLineSpan();
            var text = d.Location.SourceTree?.GetText().Lines[line.StartLinePosition.Line].ToString().Trim();
            return $"{d}{(text is null ? string.Empty : "\n    > " + text)}";
        }));
}

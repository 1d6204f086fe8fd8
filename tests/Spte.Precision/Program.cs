using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Spte.Precision;

// Usage: Spte.Precision <Spte.Toolkit.nupkg> <repository directory> [--slots <non-present value>] [project-name filter]
// Prints one row per project and a total; exits 1 on any analyzer exception, and on any SPTE
// diagnostic unless --slots declares a format whose non-present value is not 0 (see SlotProbe).
const string Usage = "usage: Spte.Precision <Spte.Toolkit.nupkg> <repository directory> [--slots <non-present value>] [project-name filter]";
ulong? probe = null;
if (args.Length >= 4 && args[2] == "--slots")
{
    probe = ulong.Parse(args[3].Replace("0x", "", StringComparison.OrdinalIgnoreCase), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    args = [args[0], args[1], .. args[4..]];
}

if (args.Length is < 2 or > 3)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

var toolkit = Toolkit.Load(Path.GetFullPath(args[0]));
var root = Path.GetFullPath(args[1]).TrimEnd('/');
var projects = ProjectFile.ReadAll(root);
var compilations = new Dictionary<string, Compilation>(StringComparer.Ordinal);
var results = new List<ProjectResult>();
var culture = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(culture, $"{"project",-48} {"files",6} {"lines",8} {"errors",7} {"slots",6} {"SPTE",5} {"AD0001",6} {"compile s",9} {"driver s",9} {"analyzer s",10}"));
foreach (var project in projects)
{
    // Referenced projects as compilations (transitively, as the SDK flows them): no emit is needed,
    // so their own errors do not hide their types from the projects that use them.
    var references = Closure(project, projects).Where(compilations.ContainsKey).Select(p => compilations[p].ToMetadataReference()).ToList<MetadataReference>();
    var (result, compilation) = await ProjectRun.RunAsync(project, references, toolkit, probe);
    compilations[project.Path] = compilation;
    if (args.Length == 3 && !project.Name.Contains(args[2], StringComparison.OrdinalIgnoreCase))
    {
        continue;
    }

    results.Add(result);
    Console.WriteLine(string.Create(culture, $"{result.Name,-48} {result.Files,6} {result.Lines,8} {result.CompilerErrors,7} {result.Slots,6} {result.SpteDiagnostics.Count,5} {result.AnalyzerExceptions.Count,6} {result.Compile.TotalSeconds,9:F2} {result.AnalyzerDriver.TotalSeconds,9:F2} {result.AnalyzerExecution.TotalSeconds,10:F3}  {result.CommonErrors}"));
    foreach (var line in result.SpteDiagnostics.Concat(result.GeneratorDiagnostics).Select(d => d.ToString()).Concat(result.AnalyzerExceptions))
    {
        Console.WriteLine("    " + line);
    }
}

var compile = results.Sum(r => r.Compile.TotalSeconds);
var execution = results.Sum(r => r.AnalyzerExecution.TotalSeconds);
var spte = results.Sum(r => r.SpteDiagnostics.Count);
var exceptions = results.Sum(r => r.AnalyzerExceptions.Count);
Console.WriteLine(string.Create(culture, $"{"total",-48} {results.Sum(r => r.Files),6} {results.Sum(r => r.Lines),8} {results.Sum(r => r.CompilerErrors),7} {results.Sum(r => r.Slots),6} {spte,5} {exceptions,6} {compile,9:F2} {results.Sum(r => r.AnalyzerDriver.TotalSeconds),9:F2} {execution,10:F3}"));
Console.WriteLine(string.Create(culture, $"projects {results.Count}, analyzers active in {results.Count(r => r.AnalyzersActive > 0)}, generator diagnostics {results.Sum(r => r.GeneratorDiagnostics.Count)}, analyzer time / compile time {execution / compile:P2}"));
foreach (var id in results.SelectMany(r => r.SpteDiagnostics).GroupBy(d => d.Id).OrderBy(g => g.Key, StringComparer.Ordinal))
{
    Console.WriteLine(string.Create(culture, $"{id.Key}: {id.Count()}"));
}

return exceptions > 0 || spte > 0 && probe is null or 0 ? 1 : 0;

static IEnumerable<string> Closure(ProjectFile project, IReadOnlyList<ProjectFile> all)
{
    var byPath = all.ToDictionary(p => p.Path, StringComparer.Ordinal);
    var seen = new HashSet<string>(StringComparer.Ordinal);
    var pending = new Stack<string>(project.ProjectReferences);
    while (pending.Count > 0)
    {
        var path = pending.Pop();
        if (seen.Add(path) && byPath.TryGetValue(path, out var referenced))
        {
            foreach (var next in referenced.ProjectReferences)
            {
                pending.Push(next);
            }
        }
    }

    return seen.Order(StringComparer.Ordinal);
}

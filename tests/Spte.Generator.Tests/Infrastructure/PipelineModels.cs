using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Spte.Generator.Tests.Infrastructure;

/// <summary>What the generator's own pipeline steps hold between runs.</summary>
internal static class PipelineModels
{
    /// <summary>Types that are never equal across runs and can root a whole compilation.</summary>
    private static readonly Type[] Banned =
    [
        typeof(Compilation), typeof(ISymbol), typeof(SyntaxNode), typeof(SemanticModel), typeof(SyntaxTree), typeof(Location),
    ];

    /// <summary>The generator's tracking names, read from its TrackingNames class so a renamed step cannot slip by.</summary>
    public static IReadOnlyList<string> TrackingNames { get; } =
        [.. typeof(SpteGenerator).Assembly
            .GetType("Spte.Generator.TrackingNames", throwOnError: true)!
            .GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(static f => f.IsLiteral)
            .Select(static f => (string)f.GetRawConstantValue()!)];

    /// <summary>Every output of step <paramref name="name"/> in the run, with why it was produced.</summary>
    public static IReadOnlyList<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRun run, string name) =>
        run.Single.TrackedSteps.TryGetValue(name, out var steps)
            ? [.. steps.SelectMany(static s => s.Outputs)]
            : [];

    /// <summary>
    /// The outputs of the source-output steps that add source (each output is a tuple of the
    /// sources and the diagnostics one <c>RegisterSourceOutput</c> call produced; the generator's
    /// diagnostics branch adds none, and re-reporting a moved diagnostic is not re-emitting).
    /// </summary>
    public static IReadOnlyList<(object Value, IncrementalStepRunReason Reason)> SourceOutputs(GeneratorRun run) =>
        run.Single.TrackedOutputSteps.TryGetValue(WellKnownGeneratorOutputs.SourceOutput, out var steps)
            ? [.. steps.SelectMany(static s => s.Outputs).Where(static o => AddsSource(o.Value))]
            : [];

    private static bool AddsSource(object output) =>
        output.GetType().GetField("Item1")?.GetValue(output) is IEnumerable sources && sources.Cast<object>().Any();

    /// <summary>Fails if any object reachable from <paramref name="root"/>'s fields is a symbol, syntax, compilation or location.</summary>
    public static void AssertHoldsNoCompilationObjects(object? root, string step)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(object Value, string Path)>();
        if (root is not null)
        {
            pending.Push((root, step));
        }

        while (pending.Count > 0)
        {
            var (value, path) = pending.Pop();
            var type = value.GetType();
            if (type.IsPrimitive || type.IsEnum || value is string || !seen.Add(value))
            {
                continue;
            }

            var banned = Banned.FirstOrDefault(b => b.IsInstanceOfType(value));
            Assert.True(banned is null, $"{path} holds a {type.FullName} (a {banned?.Name}), which is never equal across runs");
            if (value is IEnumerable sequence and not string)
            {
                var index = 0;
                foreach (var item in sequence)
                {
                    if (item is not null)
                    {
                        pending.Push((item, $"{path}[{index}]"));
                    }

                    index++;
                }
            }

            for (var t = type; t is not null; t = t.BaseType)
            {
                foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (field.GetValue(value) is { } child)
                    {
                        pending.Push((child, path + "." + field.Name));
                    }
                }
            }
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace Spte.ZeroCost;

/// <summary>
/// Pairs every probe of generated code with its twins by name: a probe <c>X</c> of a format's
/// generated-probe class is compared with the methods <c>X_</c><i>idiom</i> of that format's
/// idiom class, and each generic table probe of <see cref="TableProbes"/>, instantiated for the
/// format, likewise (a generic probe of a format's own class too). Every probe needs at least one
/// twin: the tests fail on one that has none. The probe program checks the values, the tests the
/// machine code.
/// </summary>
public static class ProbeCatalog
{
    /// <summary>The formats: the struct, its generated-probe class and its idiom class.</summary>
    private static readonly (Type Format, Type Generated, Type Idioms)[] Formats =
    [
        (typeof(EptSpte), typeof(GeneratedProbes), typeof(EptIdioms)),
        (typeof(NptSpte), typeof(NptProbes), typeof(NptIdioms)),
        (typeof(GStagePte), typeof(GStageProbes), typeof(GStageIdioms)),
    ];

    /// <summary>Every comparison, in declaration order.</summary>
    public static IReadOnlyList<IdiomComparison> All { get; } = [.. Formats.SelectMany(static f => For(f.Format, f.Generated, f.Idioms))];

    private static IEnumerable<IdiomComparison> For(Type format, Type generated, Type idioms)
    {
        var twins = PublicStatics(idioms).ToLookup(static m => m.Name[..m.Name.IndexOf('_', StringComparison.Ordinal)], StringComparer.Ordinal);
        // A format's own class may already have a table probe (GeneratedProbes.CountPresentOf, which
        // the benchmarks use); the shared one of the same name would be the same code twice.
        var own = PublicStatics(generated).ToList();
        var probes = own.Concat(PublicStatics(typeof(TableProbes)).Where(t => own.TrueForAll(m => m.Name != t.Name)))
            .Select(m => m.IsGenericMethodDefinition ? m.MakeGenericMethod(format) : m);
        foreach (var probe in probes)
        {
            yield return new IdiomComparison(format.Name, ListedMethod.Of(probe), [.. twins[TwinName(probe)].Select(ListedMethod.Of)]);
        }
    }

    private static string TwinName(MethodInfo probe) => probe.GetCustomAttribute<TwinsAttribute>()?.Member ?? probe.Name;

    private static IEnumerable<MethodInfo> PublicStatics(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly).OrderBy(static m => m.MetadataToken);
}

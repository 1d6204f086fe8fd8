using System;
using System.Linq;
using Spte.Generator.Tests.Infrastructure;
using Xunit;

namespace Spte.Generator.Tests;

/// <summary>
/// <see cref="KvmFormats.All"/> plus <see cref="DriverSource"/>, generated, compiled with every
/// warning on, and loaded once for all behaviour tests.
/// </summary>
public sealed class CompiledKvmFormats : IDisposable
{
    /// <summary>
    /// Code that only compiles against the generated surface: generic MMU-style code over
    /// <see cref="ISpte{T}"/> and the implicit view conversion.
    /// </summary>
    private static readonly SourceFile DriverSource = new("Driver.cs", """
        using Spte;
        using Kvm.Ept;
        using Kvm.Npt;

        namespace Kvm.Test;

        /// <summary>Written once over any format, the way the TDP MMU is.</summary>
        public static class Driver
        {
            /// <summary>A fresh table's raw values, read through the interface.</summary>
            public static ulong[] FreshTable<T>(int entries) where T : struct, ISpte<T>
            {
                var table = T.NewTable(entries);
                var raw = new ulong[table.Length];
                for (var i = 0; i < table.Length; i++)
                {
                    raw[i] = table[i].Raw;
                }

                return raw;
            }

            /// <summary>What the interface says about a raw value.</summary>
            public static (ulong NonPresentValue, ulong PresentMask, bool IsPresent, bool EqualsNonPresent) Describe<T>(ulong raw)
                where T : struct, ISpte<T>
            {
                var entry = T.FromRaw(raw);
                return (T.NonPresentValue, T.PresentMask, entry.IsPresent, entry.Equals(T.NonPresent));
            }

            /// <summary>EPT through the generic code.</summary>
            public static ulong[] EptTable(int entries) => FreshTable<EptLeafSpte>(entries);

            /// <summary>NPT through the generic code.</summary>
            public static ulong[] NptTable(int entries) => FreshTable<NptSpte>(entries);

            /// <summary>EPT through the generic code.</summary>
            public static (ulong, ulong, bool, bool) DescribeEpt(ulong raw) => Describe<EptLeafSpte>(raw);

            /// <summary>NPT through the generic code.</summary>
            public static (ulong, ulong, bool, bool) DescribeNpt(ulong raw) => Describe<NptSpte>(raw);

            /// <summary>A view converts to its format implicitly.</summary>
            public static EptSpte ToFormat(EptSpte.Leaf leaf) => leaf;
        }
        """);

    private readonly LoadedAssembly _assembly;

    public CompiledKvmFormats()
    {
        var run = GeneratorRun.Of([.. KvmFormats.All, DriverSource])
            .AssertNoGeneratorDiagnostics()
            .AssertOutputCompilesCleanly();
        GeneratedFiles = run.Single.GeneratedSources.Length;
        _assembly = LoadedAssembly.Emit(run.Output);
    }

    /// <summary>How many files the generator produced: one per format.</summary>
    public int GeneratedFiles { get; }

    /// <summary>The static members of a type in the loaded assembly, e.g. <c>Static("Kvm.Ept.EptLeafSpte").NewTable(512)</c>.</summary>
    public dynamic Static(string fullName) => _assembly.Static(fullName);

    public dynamic Enum(string fullName, long value) => _assembly.Enum(fullName, value);

    public Type Type(string fullName) => _assembly.Type(fullName);

    /// <summary>The entries of a table of some loaded format (a struct array, so not an <c>object[]</c>).</summary>
    public static object[] Entries(object table) => [.. ((Array)table).Cast<object>()];

    /// <summary>The raw values of a table of some loaded format.</summary>
    public static ulong[] Raws(object table) => [.. Entries(table).Select(static entry => (ulong)((dynamic)entry).Raw)];

    public void Dispose() => _assembly.Dispose();
}

/// <summary>The behaviour test classes share one compilation.</summary>
[CollectionDefinition(Name)]
public sealed class CompiledKvmFormatsCollection : ICollectionFixture<CompiledKvmFormats>
{
    public const string Name = "Compiled KVM formats";
}

using System.Collections.Generic;
using System.Threading.Tasks;
using Spte.Analyzers.CodeFixes;
using Spte.Analyzers.Tests.Infrastructure;
using Xunit;

namespace Spte.Analyzers.Tests;

/// <summary>
/// Generic MMU code: a type parameter is an entry of an unknown format (non-present value possibly
/// non-zero, so SPTE1001–1003 apply) whenever its constraints include <c>ISpte&lt;T&gt;</c> of
/// itself — directly, through an interface derived from <c>ISpte&lt;T&gt;</c> (the runtime's
/// <c>ITdpSpte&lt;T&gt;</c>), or through another type parameter's constraints — whether the type
/// parameter belongs to a generic method or to a generic type.
/// </summary>
public sealed class GenericConstraintTests
{
    /// <summary>The constraint shapes (type parameters and where clauses), on a method or on a type.</summary>
    public static TheoryData<string, string> Shapes()
    {
        var data = new TheoryData<string, string>();
        foreach (var shape in ShapeNames)
        {
            data.Add(shape, "method");
            data.Add(shape, "type");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public Task Zero_entries_become_T_NonPresent(string shape, string host) => Verifier<NonPresentCodeFixProvider>.FixAsync(
        Code(shape, host, """
                table[i] = {|SPTE1001:default|};
                table[i] = {|SPTE1001:default(T)|};
                table[i] = {|SPTE1001:new T()|};
                table[i] = {|SPTE1001:T.FromRaw(0)|};
                T staged = {|SPTE1001:default|};
                Interlocked.Exchange(ref table[i], staged);
        """),
        Code(shape, host, """
                table[i] = T.NonPresent;
                table[i] = T.NonPresent;
                table[i] = T.NonPresent;
                table[i] = T.NonPresent;
                T staged = T.NonPresent;
                Interlocked.Exchange(ref table[i], staged);
        """));

    [Theory]
    [MemberData(nameof(Shapes))]
    public Task Zero_filled_tables_become_NewTable_and_fills(string shape, string host) => Verifier<ZeroFilledTableCodeFixProvider>.FixAsync(
        Code(shape, host, """
                var fresh = {|SPTE1002:new T[i]|};
                {|SPTE1002:Array.Clear(table)|};
                {|SPTE1002:fresh.AsSpan().Clear()|};
                Array.Fill(table, {|SPTE1002:default|});
        """),
        Code(shape, host, """
                var fresh = T.NewTable(i);
                Array.Fill(table, T.NonPresent);
                fresh.AsSpan().Fill(T.NonPresent);
                Array.Fill(table, T.NonPresent);
        """));

    [Theory]
    [MemberData(nameof(Shapes))]
    public Task Presence_comparisons_become_IsPresent(string shape, string host) => Verifier<IsPresentCodeFixProvider>.FixAsync(
        Code(shape, host, """
                var spte = table[i];
                if ({|SPTE1003:spte.Raw == 0|} || {|SPTE1003:spte.Raw != T.NonPresentValue|} || {|SPTE1003:spte.Equals(default)|} || {|SPTE1003:spte.Equals(T.NonPresent)|})
                {
                    return;
                }
        """),
        Code(shape, host, """
                var spte = table[i];
                if (!spte.IsPresent || spte.IsPresent || !spte.IsPresent || !spte.IsPresent)
                {
                    return;
                }
        """));

    [Theory]
    [MemberData(nameof(Shapes))]
    public Task Correct_generic_code_stays_silent(string shape, string host) => Verifier<NonPresentCodeFixProvider>.DiagnosticsAsync(
        Code(shape, host, """
                table[i] = T.NonPresent;
                table[i] = T.FromRaw(T.NonPresentValue);
                table[i] = i > 0 ? T.NonPresent : T.FromRaw(T.PresentMask);
                var fresh = T.NewTable(i);
                fresh.AsSpan().Fill(T.NonPresent);
                Array.Fill(table, T.NonPresent);
                Interlocked.CompareExchange(ref table[i], T.NonPresent, T.NonPresent);
                if (table[i].IsPresent || (table[i].Raw & T.PresentMask) != 0 || fresh.Length == 0)
                {
                    return;
                }
        """));

    [Fact]
    public Task Type_parameters_whose_constraints_do_not_include_ISpte_of_themselves_stay_silent() => Verifier<NonPresentCodeFixProvider>.DiagnosticsAsync(
        Interfaces + """
        interface INotSpte<T> : IEquatable<T> where T : struct, INotSpte<T> { ulong Raw { get; } }

        static class Unrelated
        {
            static void Plain<T>(T[] table) where T : struct, IEquatable<T>
            {
                table[0] = default;
                var fresh = new T[4];
                Array.Clear(fresh);
                _ = table[0].Equals(default);
            }

            static void LooksAlike<T>(T[] table) where T : struct, INotSpte<T>
            {
                table[0] = default;
                _ = table[0].Raw == 0;
            }

            // U is an entry of EptSpte's format only in name: its values are some other struct.
            static void OtherFormat<U>(U[] table) where U : struct, ISpte<Kvm.EptSpte>
            {
                table[0] = default;
                var fresh = new U[4];
            }
        }
        """);

    private static readonly string[] ShapeNames = ["direct", "derived interface", "derived twice", "via type parameter"];

    /// <summary>The runtime's shape: an interface derived from ISpte&lt;T&gt;, and one derived from that.</summary>
    private const string Interfaces = """
        using System;
        using System.Threading;
        using Spte;

        public interface ITdpSpte<T> : ISpte<T>
            where T : struct, ITdpSpte<T>
        {
            static abstract T Frozen { get; }
        }

        public interface ILeveledSpte<T> : ITdpSpte<T>
            where T : struct, ILeveledSpte<T>
        {
        }


        """;

    private static readonly Dictionary<string, (string TypeParameters, string Constraints)> ShapeText = new()
    {
        ["direct"] = ("T", "where T : struct, ISpte<T>"),
        ["derived interface"] = ("T", "where T : struct, ITdpSpte<T>"),
        ["derived twice"] = ("T", "where T : struct, ILeveledSpte<T>"),
        ["via type parameter"] = ("T, TFormat", "where T : struct, TFormat where TFormat : ITdpSpte<T>"),
    };

    /// <summary><paramref name="body"/> inside <c>M(T[] table, int i)</c>, with the type parameters on the method or on its type.</summary>
    private static string Code(string shape, string host, string body)
    {
        var (parameters, constraints) = ShapeText[shape];
        var (type, method) = host == "method"
            ? ("static class Mmu", $"static void M<{parameters}>(T[] table, int i) {constraints}")
            : ($"sealed class Mmu<{parameters}> {constraints}", "void M(T[] table, int i)");
        return Interfaces + $$"""
            {{type}}
            {
                {{method}}
                {
            {{body}}
                }
            }

            """;
    }
}

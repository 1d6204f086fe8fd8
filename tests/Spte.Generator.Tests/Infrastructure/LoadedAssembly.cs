using System;
using System.Collections.Immutable;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Spte.Generator.Tests.Infrastructure;

/// <summary>
/// A compilation emitted to memory and loaded into its own collectible load context, so each
/// test compilation can define types with the same names and be unloaded afterwards.
/// Spte.Annotations resolves from the default context: generated code and tests share <see cref="ISpte{T}"/>.
/// </summary>
internal sealed class LoadedAssembly : IDisposable
{
    private readonly AssemblyLoadContext _context;

    private LoadedAssembly(AssemblyLoadContext context, Assembly assembly)
    {
        _context = context;
        Assembly = assembly;
    }

    public Assembly Assembly { get; }

    /// <summary>Emits <paramref name="compilation"/>; fails with the emit diagnostics if it does not emit.</summary>
    public static LoadedAssembly Emit(Compilation compilation) => Emit(compilation, out _);

    /// <summary>
    /// Emits and loads <paramref name="compilation"/>, handing back every diagnostic of the
    /// compilation (emitting binds every method, so this saves a separate GetDiagnostics pass).
    /// </summary>
    public static LoadedAssembly Emit(Compilation compilation, out ImmutableArray<Diagnostic> diagnostics)
    {
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        diagnostics = result.Diagnostics;
        Assert.True(result.Success, "emit failed:\n" + GeneratorRun.Describe(result.Diagnostics));
        image.Position = 0;
        var context = new AssemblyLoadContext(compilation.AssemblyName, isCollectible: true);
        return new LoadedAssembly(context, context.LoadFromStream(image));
    }

    public Type Type(string fullName) =>
        Assembly.GetType(fullName, throwOnError: false) ?? throw new InvalidOperationException($"no type {fullName} in {Assembly.FullName}");

    /// <summary>The static members of <paramref name="fullName"/>, callable through <c>dynamic</c>.</summary>
    public dynamic Static(string fullName) => new StaticMembers(Type(fullName));

    /// <summary>An enum value of a loaded type, typed <c>dynamic</c> so a dynamic call binds to its real type.</summary>
    public dynamic Enum(string fullName, long value) => System.Enum.ToObject(Type(fullName), value);

    public void Dispose() => _context.Unload();
}

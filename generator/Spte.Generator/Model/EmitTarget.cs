namespace Spte.Generator.Model;

/// <summary>
/// What the consuming compilation offers generated code beyond C#: read once per compilation and
/// combined with every spec, so it costs one comparison per edit and re-emits nothing while it
/// stays the same.
/// </summary>
/// <param name="HasBmi1X64">
/// <c>System.Runtime.Intrinsics.X86.Bmi1.X64</c> is referenced (.NET Core 3.0 and later): getters
/// may extract runs with <c>bextr</c> behind its <c>IsSupported</c>, which the JIT folds.
/// </param>
internal sealed record EmitTarget(bool HasBmi1X64);

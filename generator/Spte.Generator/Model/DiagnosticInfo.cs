using Microsoft.CodeAnalysis;

namespace Spte.Generator.Model;

/// <summary>
/// A diagnostic to report: its rule (the descriptor carries the ID and the wording, so neither is
/// looked up again), its location and its message arguments. Value-equal, so pipeline steps that
/// hold it stay cacheable.
/// </summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        new(descriptor, location, arguments.ToEquatableArray());

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptor, Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None, [.. Arguments]);
}

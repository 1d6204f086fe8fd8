namespace Spte.Generator.Model;

// What the emitter consumes: a validated format with every mask computed and no locations, so
// that moving a declaration within its file does not re-emit its source.

/// <summary>A run of bits within a field; <c>ValueShift</c> is where the run starts in the field's value.</summary>
internal sealed record RunSpec(int Low, int Width, int ValueShift);

internal sealed record FieldSpec(
    string Name,
    string Modifiers,
    string TypeName,
    FieldKind Kind,
    int TypeBits,
    bool SignedUnderlying,
    ulong Mask,
    int Width,
    EquatableArray<RunSpec> Runs);

internal sealed record ViewSpec(
    string Name,
    ulong ReservedMask,
    EquatableArray<FieldSpec> Fields);

internal sealed record NamedValueSpec(string Name, ulong Value);

/// <summary>A compile-time check to emit as a constant that fails to compile when it breaks.</summary>
internal sealed record ConstAssertSpec(string Description, string Condition);

internal sealed record FormatSpec(
    string? Namespace,
    EquatableArray<ContainingType> Containers,
    string Name,
    string HintName,
    bool IsValid,
    ulong NonPresentValue,
    ulong PresentMask,
    ulong ReservedMask,
    EquatableArray<FieldSpec> Fields,
    EquatableArray<NamedValueSpec> Specials,
    EquatableArray<NamedValueSpec> Masks,
    EquatableArray<ViewSpec> Views,
    EquatableArray<ConstAssertSpec> Asserts);

/// <summary>The validator's verdict on one declaration: source to emit (or none) and diagnostics.</summary>
internal sealed record FormatResult(FormatSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);

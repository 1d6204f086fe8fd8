namespace Spte.Generator.Model;

// What the parser reads off the symbols: everything the validator and emitter need, with the
// locations of the attributes and arguments that diagnostics point at. Plain values only.

/// <summary>One run of bits as declared by <c>[Bit]</c> or <c>[Bits]</c>.</summary>
internal sealed record BitRun(int Low, int High, LocationInfo? Location);

internal enum FieldKind
{
    Bool,
    Unsigned,
    Signed,
    Enum,
    Unsupported,
}

/// <summary>
/// A property carrying <c>[Bit]</c>/<c>[Bits]</c>. <c>Stubbable</c>: it is a partial get-only
/// property without a body, so the stub of an invalid format can give it one.
/// </summary>
internal sealed record FieldDeclaration(
    string Name,
    string Modifiers,
    string TypeName,
    FieldKind Kind,
    int TypeBits,
    bool SignedUnderlying,
    EquatableArray<BitRun> Runs,
    LocationInfo? PresentLocation,
    string? DeclarationError,
    bool Stubbable,
    LocationInfo? NameLocation,
    LocationInfo? TypeLocation);

/// <summary>A named 64-bit value: a special value or a named mask.</summary>
internal sealed record NamedValue(string Name, ulong Value, LocationInfo? NameLocation, LocationInfo? ValueLocation);

internal enum AssertionKind
{
    Disjoint,
    Within,
    Width,
}

/// <summary>A <c>[Disjoint]</c>, <c>[Within]</c> or <c>[Width]</c> assertion.</summary>
internal sealed record AssertionDeclaration(
    AssertionKind Kind,
    string First,
    string Second,
    int Bits,
    LocationInfo? Location,
    LocationInfo? FirstLocation,
    LocationInfo? SecondLocation);

/// <summary>A nested <c>[SpteView]</c> struct.</summary>
internal sealed record ViewDeclaration(
    string Name,
    string? DeclarationError,
    EquatableArray<FieldDeclaration> Fields,
    EquatableArray<BitRun> Reserved,
    LocationInfo? Location);

/// <summary>A containing type that the generated part has to be nested in.</summary>
internal sealed record ContainingType(string Keyword, string Name);

/// <summary>Everything declared on one <c>[SpteFormat]</c> struct.</summary>
internal sealed record FormatDeclaration(
    string? Namespace,
    EquatableArray<ContainingType> Containers,
    string Name,
    string HintName,
    string? DeclarationError,
    LocationInfo? IdentifierLocation,
    ulong NonPresentValue,
    LocationInfo? FormatLocation,
    LocationInfo? NonPresentLocation,
    EquatableArray<FieldDeclaration> Fields,
    EquatableArray<NamedValue> Specials,
    EquatableArray<NamedValue> Masks,
    EquatableArray<BitRun> Reserved,
    EquatableArray<ViewDeclaration> Views,
    EquatableArray<AssertionDeclaration> Assertions);

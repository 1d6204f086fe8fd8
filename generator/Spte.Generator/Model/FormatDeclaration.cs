namespace Spte.Generator.Model;

// What the parser reads off the symbols: everything the validator and emitter need, with the
// locations of the attributes and arguments that diagnostics point at. Plain values only.
// A DeclarationError is the diagnostic the parser found (SPTE0006 for a format, SPTE0011 for a
// view or field), worded and numbered where the problem is recognised.

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

/// <summary>A member of an enum type, with its value as a non-negative number.</summary>
internal sealed record EnumMember(string Name, ulong Value);

/// <summary>
/// A property carrying <c>[Bit]</c>/<c>[Bits]</c>. <c>Stubbable</c>: it is a partial get-only
/// property without a body, so the stub of an invalid format can give it one.
/// <c>EnumMembers</c>: for an enum-typed field, the values assertions may name (<c>AdType.Enabled</c>).
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
    DiagnosticInfo? DeclarationError,
    bool Stubbable,
    LocationInfo? NameLocation,
    LocationInfo? TypeLocation,
    EquatableArray<EnumMember> EnumMembers);

/// <summary>A named 64-bit value: a special value or a named mask.</summary>
internal sealed record NamedValue(string Name, ulong Value, LocationInfo? NameLocation, LocationInfo? ValueLocation);

internal enum AssertionKind
{
    Disjoint,
    Within,
    Width,
}

/// <summary>One name an assertion uses, as written (it may join several: <c>"A | B"</c>), and where.</summary>
internal sealed record AssertionOperand(string Name, LocationInfo? Location);

/// <summary>
/// A <c>[Disjoint]</c> (two or more names), <c>[Within]</c> (two) or <c>[Width]</c> (one name;
/// one total width, or the widths of its runs, lowest first) assertion.
/// </summary>
internal sealed record AssertionDeclaration(
    AssertionKind Kind,
    EquatableArray<AssertionOperand> Operands,
    EquatableArray<int> Widths,
    LocationInfo? Location);

/// <summary>A nested <c>[SpteView]</c> struct.</summary>
internal sealed record ViewDeclaration(
    string Name,
    DiagnosticInfo? DeclarationError,
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
    DiagnosticInfo? DeclarationError,
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

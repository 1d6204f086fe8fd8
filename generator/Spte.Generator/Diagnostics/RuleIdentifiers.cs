namespace Spte.Generator.Diagnostics;

/// <summary>The generator's diagnostic IDs: the static asserts of an entry format.</summary>
internal static class RuleIdentifiers
{
    public const string NonPresentSetsPresentBit = "SPTE0001";
    public const string FieldsOverlap = "SPTE0002";
    public const string BitRangeInvalid = "SPTE0003";
    public const string SpecialValueSetsPresentBit = "SPTE0004";
    public const string AssertionFails = "SPTE0005";
    public const string FormatNotPartialStruct = "SPTE0006";
    public const string FieldTypeMismatch = "SPTE0007";
    public const string NoPresentBit = "SPTE0008";
    public const string AssertionNameUnknown = "SPTE0009";
    public const string NameClash = "SPTE0010";
    public const string MemberDeclarationInvalid = "SPTE0011";
    public const string ValuesCollide = "SPTE0012";
}

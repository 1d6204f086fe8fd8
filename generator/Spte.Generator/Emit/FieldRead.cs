using System.Linq;
using Spte.Generator.Model;
using Spte.Generator.Validation;

namespace Spte.Generator.Emit;

/// <summary>
/// A getter's expression, in the form the JIT compiles shortest for the field's kind and width
/// (issue 18; tests/Spte.ZeroCost.Tests measures each against the hand-written idioms).
/// </summary>
internal static class FieldRead
{
    private const string Bmi1X64 = "global::System.Runtime.Intrinsics.X86.Bmi1.X64";

    public static string Expression(FieldSpec field, EmitTarget target)
    {
        if (field.Kind == FieldKind.Bool)
        {
            return BitRead(field);
        }

        var value = ShiftAndMask(field);

        // bextr takes the run's position and width in one register (mov r32, imm32 + bextr): one
        // instruction fewer than a 64-bit mask, or than shr + mov + and into a 32- or 64-bit
        // result. Into a byte or ushort the JIT zero-extends after either, so both tie there and
        // the plain form is kept. IsSupported is a JIT-time constant: on other CPUs the plain
        // form is all that is compiled.
        if (target.HasBmi1X64 && field.TypeBits >= 32 && field.Runs.Any(static r => r.Low > 0))
        {
            value = $"({Bmi1X64}.IsSupported ? {Join(field, Extract)} : {value})";
        }

        return field.TypeName == "ulong" ? value : $"unchecked(({field.TypeName}){value})";
    }

    /// <summary>
    /// A bit above 31 is shifted into the sign and tested as the sign: the mask would not fit an
    /// imm32, and mov r64, imm64 + test + setne + movzx is one instruction more than shl + mov +
    /// shr (bit 63: mov + shr); in a condition it is shl + cmovs/js against mov + test +
    /// cmovne/je. A lower bit is masked in place (test imm32, or and 1 for bit 0).
    /// </summary>
    private static string BitRead(FieldSpec field)
    {
        var bit = field.Runs[0].Low;
        return bit < 32 ? $"(Raw & {field.Name}Mask) != 0"
            : bit == 63 ? "unchecked((long)Raw) < 0"
            : $"unchecked((long)(Raw << {BitText.Int(63 - bit)})) < 0";
    }

    /// <summary>Shift and mask, one term per run of a split field.</summary>
    private static string ShiftAndMask(FieldSpec field)
    {
        if (field.Runs.Count == 1)
        {
            return field.Runs[0].Low == 0 ? $"(Raw & {field.Name}Mask)"
                // Shift first when Max fits an imm32: the JIT then emits shr + and, one instruction
                // fewer than and + shr + a zero-extending move (enum-typed runs).
                : BitText.LowMask(field.Width) <= int.MaxValue ? $"((Raw >> {field.Name}Shift) & {field.Name}Max)"
                : $"((Raw & {field.Name}Mask) >> {field.Name}Shift)";
        }

        return Join(field, static r => $"((Raw >> {BitText.Int(r.Low)}) & {BitText.Literal(BitText.LowMask(r.Width))})");
    }

    /// <summary>One run with bextr; a run at bit 0 needs only its mask.</summary>
    private static string Extract(RunSpec run) =>
        run.Low == 0
            ? $"(Raw & {BitText.Literal(BitText.LowMask(run.Width))})"
            : $"{Bmi1X64}.BitFieldExtract(Raw, {BitText.Int(run.Low)}, {BitText.Int(run.Width)})";

    /// <summary>The runs' terms, each shifted to its place in the value, or-ed together.</summary>
    private static string Join(FieldSpec field, System.Func<RunSpec, string> term)
    {
        if (field.Runs.Count == 1)
        {
            return term(field.Runs[0]);
        }

        return "(" + string.Join(" | ", field.Runs.Select(r => r.ValueShift == 0 ? term(r) : $"({term(r)} << {BitText.Int(r.ValueShift)})")) + ")";
    }
}

using Microsoft.CodeAnalysis;
using Spte.Analyzers.Symbols;

namespace Spte.Analyzers.Rules;

/// <summary>A comparison SPTE1003 recognised: what is compared, as which form, against what.</summary>
internal sealed class PresenceMatch
{
    public PresenceMatch(string form, IOperation? operand, FormatInfo format, bool againstZero)
    {
        Form = form;
        Operand = operand;
        Format = format;
        AgainstZero = againstZero;
    }

    /// <summary>A <see cref="Diagnostics.FixProperties"/> operand form.</summary>
    public string Form { get; }

    /// <summary>The entry, the receiver of <c>Raw</c>, or the raw slot value; null for an implicit <c>this.Raw</c>.</summary>
    public IOperation? Operand { get; }

    public FormatInfo Format { get; }

    /// <summary>Whether the other side is zero (else the non-present value).</summary>
    public bool AgainstZero { get; }
}

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Spte.Analyzers.Diagnostics;
using Spte.Analyzers.Flow;
using Spte.Analyzers.Symbols;

namespace Spte.Analyzers.Rules;

/// <summary>
/// SPTE1003: presence decided by comparing an entry (or its <c>Raw</c>, or a raw slot value) with
/// zero or with the non-present value, through <c>==</c>, <c>!=</c>, <c>is</c> / <c>is not</c>
/// constant patterns and <c>Equals</c>.
/// </summary>
internal static class PresenceTestRule
{
    public static void AnalyzeBinary(OperationAnalysisContext context, BlockScope scope)
    {
        var binary = (IBinaryOperation)context.Operation;
        if (binary.OperatorKind is not (BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals))
        {
            return;
        }

        if ((Match(binary.LeftOperand, binary.RightOperand, scope) ?? Match(binary.RightOperand, binary.LeftOperand, scope)) is { } match)
        {
            context.ReportDiagnostic(Reports.Comparison(binary, match, negate: binary.OperatorKind == BinaryOperatorKind.Equals));
        }
    }

    public static void AnalyzeIsPattern(OperationAnalysisContext context, BlockScope scope)
    {
        var test = (IIsPatternOperation)context.Operation;
        var (pattern, negate) = test.Pattern is INegatedPatternOperation negated ? (negated.Pattern, false) : (test.Pattern, true);
        if (pattern is IConstantPatternOperation constant && Match(test.Value, constant.Value, scope) is { } match)
        {
            context.ReportDiagnostic(Reports.Comparison(test, match, negate));
        }
    }

    /// <summary><c>spte.Equals(default)</c>, <c>spte.Equals(T.NonPresent)</c>.</summary>
    public static void AnalyzeEquals(OperationAnalysisContext context, BlockScope scope)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (invocation.Instance is { } instance
            && KnownMethods.IsEntryEquals(invocation.TargetMethod, instance.Type)
            && invocation.Arguments.ArgumentFor(0) is { } other
            && Match(instance, other.Value, scope) is { } match)
        {
            context.ReportDiagnostic(Reports.Comparison(invocation, match, negate: true));
        }
    }

    /// <summary>Whether <paramref name="subject"/> compared with <paramref name="other"/> is a presence test.</summary>
    private static PresenceMatch? Match(IOperation subject, IOperation other, BlockScope scope)
    {
        var model = scope.Model;
        subject = subject.WalkDownConversions();
        if (subject.ConstantValue.HasValue)
        {
            return null;
        }

        PresenceMatch? match = null;
        if (model.Entry(subject.Type) is { } entry)
        {
            // The typed entry against default / new T() / T.FromRaw(0) / T.NonPresent.
            var format = entry.Format;
            if (!ZeroValues.IsZeroEntry(subject, model, out _) && !ZeroValues.IsNonPresentEntry(subject, format))
            {
                var against = other.WalkDownConversions();
                if (ZeroValues.IsZeroEntry(against, model, out _))
                {
                    match = new PresenceMatch(FixProperties.OperandEntry, subject, format, againstZero: true);
                }
                else if (ZeroValues.IsNonPresentEntry(against, format))
                {
                    match = new PresenceMatch(FixProperties.OperandEntry, subject, format, againstZero: format.NonPresentValue == 0);
                }
            }
        }
        else if (subject is IPropertyReferenceOperation { Instance: { } instance } property
            && model.Entry(instance.Type) is { } owner
            && EntryType.IsMember(property.Property, owner.Raw))
        {
            // x.Raw against 0 / T.NonPresentValue.
            if (ZeroValues.IsEmptyRaw(other, owner.Format, model, out var isZero))
            {
                match = instance.IsImplicit
                    ? new PresenceMatch(FixProperties.OperandImplicitRaw, null, owner.Format, isZero)
                    : new PresenceMatch(FixProperties.OperandRaw, instance, owner.Format, isZero);
            }
        }
        else if (model.Shape(subject.Type) == RawShape.Scalar
            && ZeroValues.MayBeEmptyRaw(other, model)
            && scope.SlotOf(subject) is { } format
            && ZeroValues.IsEmptyRaw(other, format, model, out var isZero))
        {
            // A raw slot value: table[i] != 0, *p == T.NonPresentValue, a local read from a slot.
            match = new PresenceMatch(FixProperties.OperandSlot, subject, format, isZero);
        }

        return match is { Format.ComparisonIsWrong: true } ? match : null;
    }
}

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Spte.Analyzers.Diagnostics;
using Spte.Analyzers.Flow;
using Spte.Analyzers.Symbols;

namespace Spte.Analyzers.Rules;

/// <summary>
/// SPTE1003: presence decided by comparing an entry (or its <c>Raw</c>, or a raw slot value) with
/// zero or with the non-present value, through <c>==</c>, <c>!=</c>, relational operators and
/// <c>Equals</c> (patterns: <see cref="PresencePatternRule"/>).
/// </summary>
internal static class PresenceTestRule
{
    public static void AnalyzeBinary(OperationAnalysisContext context, BlockScope scope)
    {
        var binary = (IBinaryOperation)context.Operation;
        switch (binary.OperatorKind)
        {
            case BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals:
                if ((Match(binary.LeftOperand, binary.RightOperand, scope) ?? Match(binary.RightOperand, binary.LeftOperand, scope)) is { } match)
                {
                    context.ReportDiagnostic(Reports.Comparison(binary, match, negate: binary.OperatorKind == BinaryOperatorKind.Equals));
                }

                break;
            case BinaryOperatorKind.GreaterThan when binary.RightOperand.IsZeroConstant():
                // raw > 0 is raw != 0 for an unsigned entry.
                ReportZeroOnly(context, binary, Match(binary.LeftOperand, binary.RightOperand, scope), negate: false);
                break;
            case BinaryOperatorKind.LessThan when binary.LeftOperand.IsZeroConstant():
                ReportZeroOnly(context, binary, Match(binary.RightOperand, binary.LeftOperand, scope), negate: false);
                break;
        }
    }

    /// <summary>
    /// <c>(a.Raw, b.Raw) == (0, 0)</c>: each element compared with zero or the non-present value,
    /// reported at that element without a fix (the rewrite is a conjunction of the elements' tests).
    /// </summary>
    public static void AnalyzeTupleBinary(OperationAnalysisContext context, BlockScope scope)
    {
        var binary = (ITupleBinaryOperation)context.Operation;
        if (binary.OperatorKind is not (BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals)
            || binary.LeftOperand.WalkDownConversions() is not ITupleOperation left
            || binary.RightOperand.WalkDownConversions() is not ITupleOperation right
            || left.Elements.Length != right.Elements.Length)
        {
            return;
        }

        for (var i = 0; i < left.Elements.Length; i++)
        {
            var (subject, match) = Match(left.Elements[i], right.Elements[i], scope) is { } byLeft
                ? (left.Elements[i], byLeft)
                : (right.Elements[i], Match(right.Elements[i], left.Elements[i], scope));
            if (match is not null)
            {
                var negate = binary.OperatorKind == BinaryOperatorKind.Equals;
                context.ReportDiagnostic(Reports.Comparison(subject.WalkDownConversions(), match, negate, fixable: false));
            }
        }
    }

    /// <summary>
    /// <c>EqualityComparer&lt;T&gt;.Default.Equals(x, default)</c> (either side), and the static
    /// <c>object.Equals(x, y)</c> on entries.
    /// </summary>
    public static void AnalyzeComparerEquals(OperationAnalysisContext context, BlockScope scope)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (!IsComparerEquals(method, scope.Model.Symbols))
        {
            return;
        }

        if (invocation.Arguments.ArgumentFor(0)?.Value is { } first
            && invocation.Arguments.ArgumentFor(1)?.Value is { } second
            && (Match(first, second, scope) ?? Match(second, first, scope)) is { } match)
        {
            context.ReportDiagnostic(Reports.Comparison(invocation, match, negate: true));
        }
    }

    /// <summary><c>comparer.Equals(x, y)</c> or <c>object.Equals(x, y)</c>.</summary>
    public static bool IsComparerEquals(IMethodSymbol method, SpteSymbols symbols) =>
        method.Name == "Equals" && method.Parameters.Length == 2 && IsEqualityComparer(method.ContainingType, symbols);

    private static bool IsEqualityComparer(INamedTypeSymbol? type, SpteSymbols symbols) =>
        type is not null
        && (SpteSymbols.Is(type.OriginalDefinition, symbols.EqualityComparer)
            || SpteSymbols.Is(type.OriginalDefinition, symbols.IEqualityComparer)
            || type.SpecialType == SpecialType.System_Object);

    /// <summary>A relational test says "not zero" only: against the non-present value it is no presence test.</summary>
    private static void ReportZeroOnly(OperationAnalysisContext context, IOperation test, PresenceMatch? match, bool negate)
    {
        if (match is { AgainstZero: true })
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
    internal static PresenceMatch? Match(IOperation subject, IOperation other, BlockScope scope)
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

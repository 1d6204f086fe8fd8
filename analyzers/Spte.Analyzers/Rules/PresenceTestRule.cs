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

    public static void AnalyzeIsPattern(OperationAnalysisContext context, BlockScope scope)
    {
        var test = (IIsPatternOperation)context.Operation;
        var (pattern, negate) = test.Pattern is INegatedPatternOperation negated ? (negated.Pattern, false) : (test.Pattern, true);
        if (MatchPattern(test.Value, pattern, scope, ref negate) is { } match)
        {
            context.ReportDiagnostic(Reports.Comparison(test, match, negate));
        }
    }

    /// <summary>
    /// <c>switch (x.Raw) { case 0: … }</c> and <c>x switch { { Raw: 0 } => …, … }</c>: a case that
    /// selects the empty entry by value. Reported at the case, without a fix: which arm runs for
    /// MMIO and frozen entries changes with the rewrite, so only a person can restructure the switch.
    /// </summary>
    public static void AnalyzeSwitch(OperationAnalysisContext context, BlockScope scope)
    {
        switch (context.Operation)
        {
            case ISwitchOperation statement:
                foreach (var section in statement.Cases)
                {
                    foreach (var clause in section.Clauses)
                    {
                        var match = clause switch
                        {
                            ISingleValueCaseClauseOperation single => Match(statement.Value, single.Value, scope),
                            IPatternCaseClauseOperation { Guard: null } patternClause => MatchCase(statement.Value, patternClause.Pattern, scope),
                            _ => null,
                        };
                        if (match is not null)
                        {
                            context.ReportDiagnostic(Reports.Comparison(clause, match, negate: true, fixable: false));
                        }
                    }
                }

                break;
            case ISwitchExpressionOperation expression:
                foreach (var arm in expression.Arms)
                {
                    if (arm.Guard is null && MatchCase(expression.Value, arm.Pattern, scope) is { } match)
                    {
                        context.ReportDiagnostic(Reports.Comparison(arm.Pattern, match, negate: true, fixable: false));
                    }
                }

                break;
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

    /// <summary>A case pattern that selects the empty entry: a constant, or <c>{ Raw: c }</c>.</summary>
    private static PresenceMatch? MatchCase(IOperation value, IPatternOperation pattern, BlockScope scope)
    {
        var negate = true;
        return MatchPattern(value, pattern, scope, ref negate) is { } match && negate ? match : null;
    }

    /// <summary>
    /// <c>x is 0</c>, <c>x is &gt; 0</c> (negate cleared: it asks "present"), and <c>x is { Raw: 0 }</c>
    /// (the operand is <c>x</c>, so the fix is <c>!x.IsPresent</c>).
    /// </summary>
    private static PresenceMatch? MatchPattern(IOperation value, IPatternOperation pattern, BlockScope scope, ref bool negate)
    {
        switch (pattern)
        {
            case IConstantPatternOperation constant:
                return Match(value, constant.Value, scope);
            case IRelationalPatternOperation { OperatorKind: BinaryOperatorKind.GreaterThan } relational when relational.Value.IsZeroConstant():
                var zero = Match(value, relational.Value, scope);
                if (zero is { AgainstZero: true })
                {
                    negate = !negate;
                    return zero;
                }

                return null;
            case IRecursivePatternOperation { PropertySubpatterns.Length: 1, DeconstructionSubpatterns.Length: 0, DeclaredSymbol: null } recursive
                when recursive.PropertySubpatterns[0] is { Member: IPropertyReferenceOperation member, Pattern: IConstantPatternOperation constant }
                && scope.Model.Entry(value.WalkDownConversions().Type) is { } entry
                && EntryType.IsMember(member.Property, entry.Raw)
                && ZeroValues.IsEmptyRaw(constant.Value, entry.Format, scope.Model, out var isZero):
                var match = new PresenceMatch(FixProperties.OperandEntry, value.WalkDownConversions(), entry.Format, isZero);
                return match.Format.ComparisonIsWrong ? match : null;
            default:
                return null;
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

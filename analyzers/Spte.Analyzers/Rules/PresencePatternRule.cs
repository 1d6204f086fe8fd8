using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Spte.Analyzers.Diagnostics;
using Spte.Analyzers.Flow;
using Spte.Analyzers.Symbols;

namespace Spte.Analyzers.Rules;

/// <summary>
/// SPTE1003 through patterns: <c>is</c> / <c>is not</c> tests, <c>or</c> / <c>and</c> combinations,
/// property patterns on <c>Raw</c>, and the cases of <c>switch</c> statements and expressions.
/// </summary>
internal static class PresencePatternRule
{
    public static void AnalyzeIsPattern(OperationAnalysisContext context, BlockScope scope)
    {
        var test = (IIsPatternOperation)context.Operation;
        var negate = true;
        if (MatchPattern(test.Value, test.Pattern, scope, ref negate) is { } match)
        {
            context.ReportDiagnostic(Reports.Comparison(test, match, negate));
        }
        else
        {
            ReportEmptyAlternatives(context, test.Value, test.Pattern, scope);
        }
    }

    /// <summary>
    /// <c>x is 0 or T.FrozenValue</c>: an <c>or</c> that mixes the empty value with others is no single
    /// presence test, but its empty alternatives compare with zero as <c>x == 0 || …</c> would. Each is
    /// reported at itself, without a fix (only part of the pattern would change).
    /// </summary>
    private static void ReportEmptyAlternatives(OperationAnalysisContext context, IOperation value, IPatternOperation pattern, BlockScope scope)
    {
        if (pattern is not IBinaryPatternOperation { OperatorKind: BinaryOperatorKind.Or } or)
        {
            return;
        }

        foreach (var alternative in new[] { or.LeftPattern, or.RightPattern })
        {
            if (alternative is IConstantPatternOperation constant && PresenceTestRule.Match(value, constant.Value, scope) is { } match)
            {
                context.ReportDiagnostic(Reports.Comparison(constant, match, negate: true, fixable: false));
            }
            else
            {
                ReportEmptyAlternatives(context, value, alternative, scope);
            }
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
                            ISingleValueCaseClauseOperation single => PresenceTestRule.Match(statement.Value, single.Value, scope),
                            IPatternCaseClauseOperation { Guard: null } patternClause => MatchCase(statement.Value, patternClause.Pattern, scope),
                            _ => null,
                        };
                        if (match is not null)
                        {
                            context.ReportDiagnostic(Reports.Comparison(clause, match, negate: true, fixable: false));
                        }
                        else if (clause is IPatternCaseClauseOperation { Guard: null } mixed)
                        {
                            ReportEmptyAlternatives(context, statement.Value, mixed.Pattern, scope);
                        }
                    }
                }

                break;
            case ISwitchExpressionOperation expression:
                foreach (var arm in expression.Arms)
                {
                    if (arm.Guard is not null)
                    {
                        continue;
                    }

                    if (MatchCase(expression.Value, arm.Pattern, scope) is { } match)
                    {
                        context.ReportDiagnostic(Reports.Comparison(arm.Pattern, match, negate: true, fixable: false));
                    }
                    else
                    {
                        ReportEmptyAlternatives(context, expression.Value, arm.Pattern, scope);
                    }
                }

                break;
        }
    }

    /// <summary>A case pattern that selects the empty entry: a constant, or <c>{ Raw: c }</c>.</summary>
    private static PresenceMatch? MatchCase(IOperation value, IPatternOperation pattern, BlockScope scope)
    {
        var negate = true;
        return MatchPattern(value, pattern, scope, ref negate) is { } match && negate ? match : null;
    }

    /// <summary>
    /// <c>x is 0</c>, <c>x is &gt; 0</c> and <c>x is not …</c> (each flips <paramref name="negate"/>: it asks
    /// "present"), <c>x is { Raw: 0 }</c> (the operand is <c>x</c>, so the fix is <c>!x.IsPresent</c>),
    /// <c>x is 0 or T.NonPresentValue</c> (both sides empty) and <c>x is not 0 and not T.NonPresentValue</c>
    /// (both sides present).
    /// </summary>
    private static PresenceMatch? MatchPattern(IOperation value, IPatternOperation pattern, BlockScope scope, ref bool negate)
    {
        switch (pattern)
        {
            case IConstantPatternOperation constant:
                return PresenceTestRule.Match(value, constant.Value, scope);
            case INegatedPatternOperation negated:
                negate = !negate;
                return MatchPattern(value, negated.Pattern, scope, ref negate);
            case IBinaryPatternOperation binary:
                return MatchBoth(value, binary, scope, ref negate);
            case IRelationalPatternOperation { OperatorKind: BinaryOperatorKind.GreaterThan } relational when relational.Value.IsZeroConstant():
                var zero = PresenceTestRule.Match(value, relational.Value, scope);
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

    /// <summary>
    /// <c>or</c> of two tests for the empty entry, or <c>and</c> of two tests for a present one, on the
    /// same value: one presence test. Any other mix asks something else (or nothing) and is not reported.
    /// </summary>
    private static PresenceMatch? MatchBoth(IOperation value, IBinaryPatternOperation binary, BlockScope scope, ref bool negate)
    {
        var leftEmpty = true;
        var rightEmpty = true;
        if (MatchPattern(value, binary.LeftPattern, scope, ref leftEmpty) is not { } left
            || MatchPattern(value, binary.RightPattern, scope, ref rightEmpty) is not { } right
            || leftEmpty != rightEmpty
            || leftEmpty != (binary.OperatorKind == BinaryOperatorKind.Or))
        {
            return null;
        }

        if (!leftEmpty)
        {
            negate = !negate;
        }

        return new PresenceMatch(left.Form, left.Operand, left.Format, left.AgainstZero || right.AgainstZero);
    }
}

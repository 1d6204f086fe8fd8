using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Spte.Analyzers.Rules;
using Spte.Analyzers.Symbols;

namespace Spte.Analyzers.Flow;

/// <summary>
/// Per-method summaries of the compilation's own helpers, computed on first need and cached for
/// the compilation (the cache dies with it). A summary looks at calls the helper makes with its
/// parameters up to <see cref="MaxDepth"/> methods deep in all (the call site's callee counts as
/// one), with no fixed point: recursion and longer chains contribute nothing beyond the bound.
/// </summary>
internal sealed partial class CallSummaries
{
    /// <summary>How many helpers deep a chain is followed from a call site: <c>A → B → C</c> is 3.</summary>
    public const int MaxDepth = 3;

    private readonly SpteModel _model;
    private readonly Compilation _compilation;
    private readonly ConcurrentDictionary<IMethodSymbol, MethodSummary>[] _cache;

    public CallSummaries(SpteModel model, Compilation compilation)
    {
        _model = model;
        _compilation = compilation;
        _cache = new ConcurrentDictionary<IMethodSymbol, MethodSummary>[MaxDepth + 1];
        for (var i = 0; i < _cache.Length; i++)
        {
            _cache[i] = new ConcurrentDictionary<IMethodSymbol, MethodSummary>(SymbolEqualityComparer.Default);
        }
    }

    /// <summary>Whether <paramref name="type"/> can carry a raw effect: <c>ulong</c> or a raw table.</summary>
    public bool IsRaw(ITypeSymbol? type) => _model.Shape(type) != RawShape.None;

    /// <summary>The summary of <paramref name="method"/> following at most <paramref name="depth"/> helpers (itself included).</summary>
    public MethodSummary Summary(IMethodSymbol method, int depth, CancellationToken cancellationToken)
    {
        method = method.PartialImplementationPart ?? method.OriginalDefinition;
        if (depth <= 0 || depth > MaxDepth || method.DeclaringSyntaxReferences.IsEmpty || method.IsAbstract || method.IsExtern)
        {
            return MethodSummary.Empty;
        }

        return _cache[depth].TryGetValue(method, out var known)
            ? known
            : _cache[depth].GetOrAdd(method, Compute(method, depth, cancellationToken));
    }

    private MethodSummary Compute(IMethodSymbol method, int depth, CancellationToken cancellationToken)
    {
        try
        {
            return ComputeCore(method, depth, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A helper the compiler cannot bind (half-typed code) has no summary; never an AD0001.
            return MethodSummary.Empty;
        }
    }

    private MethodSummary ComputeCore(IMethodSymbol method, int depth, CancellationToken cancellationToken)
    {
        var tracked = false;
        foreach (var parameter in method.Parameters)
        {
            tracked |= IsTracked(parameter) || IsCompared(parameter);
        }

        if (!tracked && !IsRaw(method.ReturnType))
        {
            return MethodSummary.Empty;
        }

        var effects = new (RawEffect Effect, string Why)[method.Parameters.Length];
        for (var i = 0; i < effects.Length; i++)
        {
            effects[i] = (RawEffect.None, string.Empty);
        }

        var returns = RawEffect.None;
        var returnWhy = string.Empty;
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax(cancellationToken);
#pragma warning disable RS1030 // The helper's body lives in another method (often another tree): its operations need that tree's model, which no analysis context offers.
            var semanticModel = _compilation.GetSemanticModel(syntax.SyntaxTree);
#pragma warning restore RS1030
            if (semanticModel.GetOperation(syntax, cancellationToken) is not { } body)
            {
                continue;
            }

            var zeroTables = ZeroTableLocals(body);
            foreach (var operation in body.DescendantsAndSelf())
            {
                cancellationToken.ThrowIfCancellationRequested();
                Visit(operation, effects, depth, zeroTables, ref returns, ref returnWhy, cancellationToken);
            }
        }

        var any = false;
        foreach (var (effect, _) in effects)
        {
            any |= effect != RawEffect.None;
        }

        return !any && returns == RawEffect.None
            ? MethodSummary.Empty
            : new MethodSummary(any ? ImmutableArray.Create(effects) : ImmutableArray<(RawEffect, string)>.Empty, returns, returnWhy);
    }

    private void Visit(
        IOperation operation,
        (RawEffect Effect, string Why)[] effects,
        int depth,
        Dictionary<ILocalSymbol, string> zeroTables,
        ref RawEffect returns,
        ref string returnWhy,
        CancellationToken cancellationToken)
    {
        switch (operation)
        {
            case ISimpleAssignmentOperation { IsRef: false } assignment when ZeroValues.HasRawZero(assignment.Value, _model):
                Add(effects, TrackedRoot(assignment.Target), RawEffect.WritesZero, "writes " + assignment.Value.Syntax + " into {0}");
                break;
            case ICompoundAssignmentOperation compound
                when compound.OperatorKind is BinaryOperatorKind.And or BinaryOperatorKind.Multiply && compound.Value.IsZeroConstant():
                Add(effects, TrackedRoot(compound.Target), RawEffect.WritesZero, "writes zero into {0} (" + compound.Syntax + ")");
                break;
            case IReturnOperation { ReturnedValue: { } returned } ret when !InNestedFunction(ret):
                if (_model.Shape(returned.Type) == RawShape.Scalar && ZeroValues.HasRawZero(returned, _model))
                {
                    returns |= RawEffect.WritesZero;
                    returnWhy = returnWhy.Length > 0 ? returnWhy : "returns " + returned.Syntax;
                }
                else if (_model.IsRawTable(returned.Type) && ZeroTable(returned, zeroTables) is { } made)
                {
                    returns |= RawEffect.ZeroFills;
                    returnWhy = returnWhy.Length > 0 ? returnWhy : "returns a zero-filled table (" + made + ")";
                }

                break;
            case IInvocationOperation invocation:
                VisitCall(invocation, effects, depth, cancellationToken);
                break;
            case IBinaryOperation binary:
                VisitComparison(binary, effects);
                break;
            case IIsPatternOperation test:
                VisitPatternTest(test, effects);
                break;
        }
    }

    private void VisitCall(IInvocationOperation invocation, (RawEffect Effect, string Why)[] effects, int depth, CancellationToken cancellationToken)
    {
        var method = invocation.TargetMethod;
        var symbols = _model.Symbols;
        if (KnownMethods.IsArrayClear(method, symbols) || KnownMethods.IsArrayResize(method, symbols) || KnownMethods.IsNativeClear(method, symbols))
        {
            Add(effects, TrackedRoot(invocation.Arguments.ArgumentFor(0)?.Value), RawEffect.ZeroFills, "zero-fills {0} (" + invocation.Syntax + ")");
        }
        else if (KnownMethods.IsSpanClear(method, symbols))
        {
            Add(effects, TrackedRoot(invocation.Instance), RawEffect.ZeroFills, "zero-fills {0} (" + invocation.Syntax + ")");
        }
        else if (KnownMethods.IsInitBlock(method, symbols))
        {
            if (invocation.Arguments.ArgumentFor(1)?.Value.IsZeroConstant() == true)
            {
                Add(effects, TrackedRoot(invocation.Arguments.ArgumentFor(0)?.Value), RawEffect.ZeroFills, "zero-fills {0} (" + invocation.Syntax + ")");
            }
        }
        else if (KnownMethods.IsFill(method, symbols))
        {
            var (table, value) = invocation.Instance is { } instance
                ? (instance, invocation.Arguments.ArgumentFor(0)?.Value)
                : (invocation.Arguments.ArgumentFor(0)?.Value, invocation.Arguments.ArgumentFor(1)?.Value);
            if (value is not null && ZeroValues.HasRawZero(value, _model))
            {
                Add(effects, TrackedRoot(table), RawEffect.ZeroFills, "zero-fills {0} (" + invocation.Syntax + ")");
            }
        }
        else if (KnownMethods.IsExchange(method, symbols))
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Ordinal is > 0 && argument.Parameter.Type.SpecialType == SpecialType.System_UInt64 && argument.Value.IsZeroConstant())
                {
                    Add(effects, TrackedRoot(invocation.Arguments.ArgumentFor(0)?.Value), RawEffect.WritesZero, "writes 0 into {0} (" + invocation.Syntax + ")");
                    break;
                }
            }
        }
        else if (depth > 1 && HasTrackedArgument(invocation))
        {
            // A parameter handed on to another helper: that helper's effect, one level less deep.
            var inner = Summary(method, depth - 1, cancellationToken);
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is not { } parameter || inner.Parameter(parameter.Ordinal) is not { Effect: not RawEffect.None } effect)
                {
                    continue;
                }

                var why = effect.Why.Replace("{0}", "{0} through '" + Name(method) + "'");
                if (PassesLocation(argument) && (effect.Effect & ~RawEffect.TestsZero) is not RawEffect.None and var written)
                {
                    Add(effects, TrackedRoot(argument.Value), written, why);
                }

                if ((effect.Effect & RawEffect.TestsZero) != 0 && argument.Value.WalkDownConversions() is IParameterReferenceOperation compared)
                {
                    AddTest(effects, compared.Parameter, why);
                }
            }
        }
    }

    private bool HasTrackedArgument(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if ((PassesLocation(argument) && TrackedRoot(argument.Value) is not null)
                || (PassesValue(argument) && argument.Value.WalkDownConversions() is IParameterReferenceOperation))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How a helper is named in a message: <c>Type.Method</c>.</summary>
    public static string Name(IMethodSymbol method) =>
        method.ContainingType is { } type ? type.Name + "." + method.Name : method.Name;
}

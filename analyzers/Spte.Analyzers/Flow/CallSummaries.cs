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

/// <summary>What a helper does to the raw values it is handed or returns.</summary>
[Flags]
internal enum RawEffect
{
    None = 0,

    /// <summary>A raw zero is written into the parameter (a <c>ref</c>/<c>out ulong</c>) or an element of it (a table).</summary>
    WritesZero = 1,

    /// <summary>The table parameter is zero-filled (<c>Clear</c>, <c>Fill(0)</c>, <c>Array.Resize</c>, <c>InitBlock(…, 0, …)</c>).</summary>
    ZeroFills = 2,
}

/// <summary>One helper's summary: per parameter ordinal, and for its return value.</summary>
internal sealed class MethodSummary
{
    public static readonly MethodSummary Empty = new(ImmutableArray<(RawEffect, string)>.Empty, RawEffect.None, string.Empty);

    public MethodSummary(ImmutableArray<(RawEffect Effect, string Why)> parameters, RawEffect returns, string returnWhy)
    {
        Parameters = parameters;
        Returns = returns;
        ReturnWhy = returnWhy;
    }

    /// <summary>By ordinal; empty when no parameter has an effect.</summary>
    public ImmutableArray<(RawEffect Effect, string Why)> Parameters { get; }

    /// <summary><see cref="RawEffect.WritesZero"/>: returns a raw zero; <see cref="RawEffect.ZeroFills"/>: returns a zero-filled table.</summary>
    public RawEffect Returns { get; }

    public string ReturnWhy { get; }

    public (RawEffect Effect, string Why) Parameter(int ordinal) =>
        ordinal >= 0 && ordinal < Parameters.Length ? Parameters[ordinal] : (RawEffect.None, string.Empty);
}

/// <summary>
/// Per-method summaries of the compilation's own helpers, computed on first need and cached for
/// the compilation (the cache dies with it). A summary looks at calls the helper makes with its
/// parameters up to <see cref="MaxDepth"/> methods deep in all (the call site's callee counts as
/// one), with no fixed point: recursion and longer chains contribute nothing beyond the bound.
/// </summary>
internal sealed class CallSummaries
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
            tracked |= IsTracked(parameter);
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
                if (argument.Parameter is { } parameter
                    && inner.Parameter(parameter.Ordinal) is { Effect: not RawEffect.None } effect
                    && PassesLocation(argument))
                {
                    Add(effects, TrackedRoot(argument.Value), effect.Effect, effect.Why.Replace("{0}", "{0} through '" + Name(method) + "'"));
                }
            }
        }
    }

    private bool HasTrackedArgument(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (PassesLocation(argument) && TrackedRoot(argument.Value) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the callee sees the caller's entries: a <c>ref</c>/<c>out</c> scalar, or a table (by value: the same memory).</summary>
    public bool PassesLocation(IArgumentOperation argument) =>
        argument.Parameter is { } parameter
        && (_model.IsRawTable(parameter.Type)
            || (_model.Shape(parameter.Type) == RawShape.Scalar && parameter.RefKind is RefKind.Ref or RefKind.Out));

    /// <summary>Whether a parameter can receive the caller's entries and is not marked (a marked one is checked inside the helper).</summary>
    private bool IsTracked(IParameterSymbol parameter) =>
        _model.Slot(parameter) is null
        && (IsTableLike(parameter.Type)
            || ((_model.Shape(parameter.Type) == RawShape.Scalar || IsGenericValue(parameter.Type)) && parameter.RefKind is RefKind.Ref or RefKind.Out));

    /// <summary>A raw table, or a table of a type parameter (<c>T[]</c>, <c>Span&lt;T&gt;</c>, <c>T*</c>) that is one when called with <c>ulong</c>.</summary>
    private bool IsTableLike(ITypeSymbol? type) =>
        _model.IsRawTable(type)
        || type switch
        {
            IArrayTypeSymbol { Rank: 1 } array => IsGenericValue(array.ElementType),
            IPointerTypeSymbol pointer => IsGenericValue(pointer.PointedAtType),
            INamedTypeSymbol { TypeArguments.Length: 1 } named when _model.Symbols.IsSpan(named) => IsGenericValue(named.TypeArguments[0]),
            _ => false,
        };

    /// <summary>A type parameter that is not an entry type (<c>where T : ISpte&lt;T&gt;</c> is checked where it is written).</summary>
    private bool IsGenericValue(ITypeSymbol? type) => type is ITypeParameterSymbol && _model.Entry(type) is null;

    private void Add((RawEffect Effect, string Why)[] effects, IParameterSymbol? parameter, RawEffect effect, string why)
    {
        if (parameter is null || parameter.Ordinal >= effects.Length || !IsTracked(parameter))
        {
            return;
        }

        var (known, knownWhy) = effects[parameter.Ordinal];
        effects[parameter.Ordinal] = (known | effect, knownWhy.Length > 0 ? knownWhy : why);
    }

    /// <summary>The parameter a written location belongs to: <c>e</c>, <c>t[i]</c>, <c>*p</c>, <c>p[i]</c>, <c>s[i]</c>, <c>t.AsSpan()</c>, <c>s.Slice(…)</c>.</summary>
    private IParameterSymbol? TrackedRoot(IOperation? operation)
    {
        for (var depth = 0; operation is not null && depth < 16; depth++)
        {
            switch (operation)
            {
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter;
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    break;
                case IArrayElementReferenceOperation element:
                    operation = element.ArrayReference;
                    break;
                case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } instance } when IsTableLike(instance.Type):
                    operation = instance;
                    break;
                case IBinaryOperation { Type: IPointerTypeSymbol } arithmetic:
                    operation = arithmetic.LeftOperand.Type is IPointerTypeSymbol ? arithmetic.LeftOperand : arithmetic.RightOperand;
                    break;
                case IInvocationOperation invocation when IsTableLike(invocation.Type):
                    operation = invocation.Instance ?? invocation.Arguments.ArgumentFor(0)?.Value;
                    break;
                case { Kind: OperationKind.None }:
                    // *p and p[i] surface as None with the pointer first.
                    operation = FirstChild(operation);
                    break;
                default:
                    return null;
            }
        }

        return null;
    }

    private static IOperation? FirstChild(IOperation operation)
    {
        foreach (var child in operation.ChildOperations)
        {
            return child;
        }

        return null;
    }

    /// <summary>
    /// Locals declared with a zero-filled table and used nowhere but in <c>return</c>: the helper
    /// hands out the zeros as they were made (a local it fills or writes first is not one).
    /// </summary>
    private Dictionary<ILocalSymbol, string> ZeroTableLocals(IOperation body)
    {
        var made = new Dictionary<ILocalSymbol, string>(SymbolEqualityComparer.Default);
        var otherUse = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        foreach (var operation in body.Descendants())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation { Initializer.Value: { } value } declarator
                    when _model.IsRawTable(declarator.Symbol.Type) && ZeroTable(value, null) is { } text:
                    made[declarator.Symbol] = text;
                    break;
                case ILocalReferenceOperation local when !(local.Parent is IReturnOperation || local.Parent is IConversionOperation { Parent: IReturnOperation }):
                    otherUse.Add(local.Local);
                    break;
            }
        }

        foreach (var local in otherUse)
        {
            made.Remove(local);
        }

        return made;
    }

    /// <summary>The text of a zero-filled table creation: <c>new ulong[n]</c>, <c>GC.AllocateArray&lt;ulong&gt;(n)</c>, <c>Enumerable.Repeat(0UL, n).ToArray()</c>.</summary>
    private string? ZeroTable(IOperation value, Dictionary<ILocalSymbol, string>? locals)
    {
        value = value.WalkDownConversions();
        switch (value)
        {
            case IArrayCreationOperation { Initializer: null } creation when !creation.DimensionSizes[0].IsZeroConstant():
                return creation.Syntax.ToString();
            case IInvocationOperation invocation when KnownMethods.IsGcAllocate(invocation.TargetMethod, _model.Symbols):
                return invocation.Syntax.ToString();
            case ILocalReferenceOperation local when locals is not null && locals.TryGetValue(local.Local, out var text):
                return text;
            default:
                return null;
        }
    }

    private static bool InNestedFunction(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
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

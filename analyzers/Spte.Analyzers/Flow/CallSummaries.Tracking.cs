using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Spte.Analyzers.Rules;
using Spte.Analyzers.Symbols;

namespace Spte.Analyzers.Flow;

/// <summary>Which parameter a written location belongs to, and which values are zero-filled tables.</summary>
internal sealed partial class CallSummaries
{
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
}

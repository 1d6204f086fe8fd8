using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Spte.Analyzers.Diagnostics;
using Spte.Analyzers.Symbols;

namespace Spte.Analyzers.Flow;

/// <summary>Where a value goes: the slot it is stored in, and whether a statement can follow the store.</summary>
internal static class Destinations
{
    /// <summary>
    /// The format of the <c>[SpteSlot]</c> slot the value of <paramref name="operation"/> is stored
    /// in (assigned, initialised, returned from a <c>[return: SpteSlot]</c> function, passed to a
    /// <c>[SpteSlot]</c> parameter, deconstructed into one), through conversions and <c>?:</c>.
    /// </summary>
    public static FormatInfo? SlotOf(IOperation operation, BlockScope scope)
    {
        var value = operation.ClimbToConsumer();
        return value.Parent switch
        {
            ISimpleAssignmentOperation assignment when assignment.Value == value => scope.StoreSlot(assignment.Target),
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => scope.StoreSlot(declarator.Symbol),
            IFieldInitializerOperation field => FirstSlot(field.InitializedFields, scope.Model),
            IPropertyInitializerOperation property => FirstSlot(property.InitializedProperties, scope.Model),
            IReturnOperation ret => scope.Model.Slot(ret.EnclosingFunction(scope.Owner)),
            IArgumentOperation argument => scope.Model.Slot(argument.Parameter),
            ITupleOperation tuple when IndirectStores.DeconstructedInto(tuple, value) is { } target => scope.StoreSlot(target),
            _ => null,
        };
    }

    /// <summary>
    /// <see cref="SlotOf"/> for a sequence of raw values, also when it is first copied into the
    /// table that is stored: spread into a collection expression (<c>[.. zeros]</c>, also from a local
    /// used for nothing else) or materialised (<c>zeros.ToArray()</c>, <c>zeros.AsSpan()</c>).
    /// </summary>
    public static FormatInfo? SlotOfSequence(IOperation operation, BlockScope scope)
    {
        for (var depth = 0; depth < 4; depth++)
        {
            var value = operation.ClimbToConsumer();
            switch (value.Parent)
            {
                case ISpreadOperation { Parent: ICollectionExpressionOperation collection }:
                    operation = collection;
                    continue;
                case IArgumentOperation { Parent: IInvocationOperation call } argument
                    when argument.Parameter?.Ordinal == 0 && Rules.KnownMethods.IsMaterialise(call.TargetMethod):
                    operation = call;
                    continue;
                case IInvocationOperation call when call.Instance == value && call.TargetMethod.Name is "ToArray" or "AsSpan" or "AsMemory":
                    operation = call;
                    continue;
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol.RefKind: RefKind.None } declarator }
                    when scope.Model.IsRawTable(declarator.Symbol.Type) && IndirectStores.OnlySpreadInto(declarator.Symbol, value) is { } collection:
                    operation = collection;
                    continue;
            }

            break;
        }

        return SlotOf(operation, scope);
    }

    /// <summary>
    /// The typed pointer an allocation is converted to (<c>(T*)NativeMemory.AllocZeroed(…)</c>).
    /// </summary>
    public static EntryType? TypedPointer(IOperation operation, SpteModel model)
    {
        for (var current = operation; current.Parent is IConversionOperation conversion; current = conversion)
        {
            if (conversion.Type is IPointerTypeSymbol pointer && model.Entry(pointer.PointedAtType) is { } entry)
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>
    /// Where a fill statement can go after the statement that stores the table
    /// <paramref name="operation"/> creates: a local declaration or an assignment to a plain
    /// variable, field or property, as a statement of a block. The variable's location and how to fill it, or null.
    /// </summary>
    public static (Location Variable, string FillKind)? FillTarget(IOperation operation, SpteModel model)
    {
        var value = operation;
        while (value.Parent is IConversionOperation conversion)
        {
            value = conversion;
        }

        switch (value.Parent)
        {
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }
                when declarator.Symbol.RefKind == RefKind.None
                && !declarator.Symbol.IsConst
                && declarator.Syntax is VariableDeclaratorSyntax { Parent.Parent: LocalDeclarationStatementSyntax { Parent: BlockSyntax, UsingKeyword.RawKind: 0 } }
                && FillKind(declarator.Symbol.Type, model) is { } kind:
                return (declarator.Syntax.GetLocation(), kind);
            case ISimpleAssignmentOperation { IsRef: false, Parent: IExpressionStatementOperation { Syntax.Parent: BlockSyntax } } assignment
                when assignment.Value == value
                && IsStable(assignment.Target)
                && FillKind(assignment.Target.Type, model) is { } kind:
                return (assignment.Target.Syntax.GetLocation(), kind);
            default:
                return null;
        }
    }

    /// <summary>
    /// Whether the statement that stores the table <paramref name="operation"/> creates is directly
    /// followed by a non-zero fill of the same variable (<c>var t = new ulong[n]; Array.Fill(t, v);</c>):
    /// the zeros never outlive the next statement, which is how <c>NewTable</c> itself is written.
    /// </summary>
    public static bool IsFilledRightAfter(IOperation operation, SpteModel model)
    {
        var value = operation;
        while (value.Parent is IConversionOperation conversion)
        {
            value = conversion;
        }

        var (target, statement) = value.Parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } =>
                ((ISymbol?)declarator.Symbol, declarator.Parent?.Parent),
            ISimpleAssignmentOperation { Parent: IExpressionStatementOperation expression } assignment when assignment.Value == value =>
                (Referenced(assignment.Target), expression),
            _ => (null, null),
        };
        if (target is null || statement?.Parent is not IBlockOperation block)
        {
            return false;
        }

        var index = block.Operations.IndexOf(statement);
        if (index < 0 || index + 1 >= block.Operations.Length
            || block.Operations[index + 1] is not IExpressionStatementOperation { Operation: IInvocationOperation fill }
            || !Rules.KnownMethods.IsFill(fill.TargetMethod, model.Symbols))
        {
            return false;
        }

        var (table, filler) = fill.Instance is { } instance
            ? (instance, fill.Arguments.ArgumentFor(0)?.Value)
            : (fill.Arguments.ArgumentFor(0)?.Value, fill.Arguments.ArgumentFor(1)?.Value);
        return table is not null
            && filler is not null
            && SymbolEqualityComparer.Default.Equals(Referenced(WholeArray(table.WalkDownConversions(), model.Symbols)), target)
            && !filler.IsZeroConstant()
            && !Rules.ZeroValues.IsZeroEntry(filler.WalkDownConversions(), model, out _);
    }

    /// <summary>
    /// The array a span over all of it is made from (<c>t.AsSpan()</c>, <c>MemoryExtensions.AsSpan(t)</c>,
    /// <c>new Span&lt;T&gt;(t)</c>), so filling that span fills the whole table; else <paramref name="table"/> itself.
    /// </summary>
    private static IOperation WholeArray(IOperation table, SpteSymbols symbols)
    {
        var array = table switch
        {
            IInvocationOperation invocation when Rules.KnownMethods.IsWholeArrayAsSpan(invocation.TargetMethod, symbols) =>
                invocation.Arguments.ArgumentFor(0)?.Value,
            IObjectCreationOperation creation when Rules.KnownMethods.IsWholeArraySpanConstructor(creation.Constructor, symbols) =>
                creation.Arguments.ArgumentFor(0)?.Value,
            _ => null,
        };
        return array?.WalkDownConversions() ?? table;
    }

    private static ISymbol? Referenced(IOperation operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation field => field.Field,
        IPropertyReferenceOperation property => property.Property,
        _ => null,
    };

    private static string? FillKind(ITypeSymbol? type, SpteModel model) => type switch
    {
        IArrayTypeSymbol { Rank: 1 } => FixProperties.FillArray,
        _ when model.Symbols.IsSpan(type) => FixProperties.FillSpan,
        _ => null,
    };

    /// <summary>Whether reading <paramref name="target"/> again after the store has no side effects.</summary>
    private static bool IsStable(IOperation target) => target switch
    {
        ILocalReferenceOperation or IParameterReferenceOperation => true,
        IFieldReferenceOperation field => field.Instance is null or IInstanceReferenceOperation,
        IPropertyReferenceOperation property => !property.Property.IsIndexer && property.Instance is null or IInstanceReferenceOperation,
        _ => false,
    };

    private static FormatInfo? FirstSlot<T>(System.Collections.Immutable.ImmutableArray<T> symbols, SpteModel model)
        where T : ISymbol
    {
        foreach (var symbol in symbols)
        {
            if (model.Slot(symbol) is { } format)
            {
                return format;
            }
        }

        return null;
    }
}

using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Spte.Analyzers.Flow;
using Spte.Analyzers.Symbols;

namespace Spte.Analyzers.Rules;

/// <summary>
/// SPTE1001: a raw zero stored where an entry lives. Typed entries are found from the zero
/// (<c>default</c>, <c>new T()</c>, <c>T.FromRaw(0)</c>) up to the store; raw <c>ulong</c> slots
/// from the store down to the zero constants of the stored value.
/// </summary>
internal static class RawZeroRule
{
    /// <summary>A zero entry: reported when its value is stored (not when it is the receiver of <c>WithX(…)</c>).</summary>
    public static void AnalyzeZeroEntry(OperationAnalysisContext context, BlockScope scope)
    {
        var operation = context.Operation;

        // Implicit: an omitted optional argument; its declaration's "= default" is reported instead.
        if (operation.IsImplicit
            || !ZeroValues.IsZeroEntry(operation, scope.Model, out var entry)
            || entry is not { Format.ZeroIsWrong: true })
        {
            return;
        }

        // (EptSpte)default is one zero: report (and replace) the cast, not the default inside it.
        var zero = operation;
        while (zero.Parent is IConversionOperation { IsImplicit: false } cast && SymbolEqualityComparer.Default.Equals(cast.Type, entry.Type))
        {
            zero = cast;
        }

        var value = operation.ClimbToConsumer();
        switch (value.Parent)
        {
            case ISimpleAssignmentOperation assignment when assignment.Value == value:
            case IVariableInitializerOperation:
            case IFieldInitializerOperation:
            case IPropertyInitializerOperation:
            case IReturnOperation:
            case IArrayInitializerOperation:
            case ITupleOperation:
            case ICollectionExpressionOperation:
            case IArgumentOperation argument when !IsOtherRulesArgument(argument, scope.Model):
                context.ReportDiagnostic(Reports.ZeroEntry(zero, entry, fixable: true));
                break;
            case IParameterInitializerOperation:
                // A parameter's default must be a constant, so T.NonPresent cannot replace it: no fix.
                context.ReportDiagnostic(Reports.ZeroEntry(zero, entry, fixable: false));
                break;
        }
    }

    /// <summary>
    /// A value stored into a raw <c>ulong</c> location: reported for each zero part when the location is a slot.
    /// Most stored values have no zero part, so that cheap check comes before the slot lookup (data flow).
    /// </summary>
    public static void AnalyzeRawStore(OperationAnalysisContext context, BlockScope scope)
    {
        var model = scope.Model;
        switch (context.Operation)
        {
            case ISimpleAssignmentOperation { IsRef: false } assignment
                when model.Shape(assignment.Target.Type) == RawShape.Scalar && ZeroValues.HasRawZero(assignment.Value, model):
                Check(context, scope.StoreSlot(assignment.Target), assignment.Value, model);
                break;
            case IVariableDeclaratorOperation { Initializer: { } initializer } declarator
                when declarator.Symbol.RefKind == RefKind.None
                && model.Shape(declarator.Symbol.Type) == RawShape.Scalar
                && ZeroValues.HasRawZero(initializer.Value, model):
                Check(context, scope.StoreSlot(declarator.Symbol), initializer.Value, model);
                break;
            case IFieldInitializerOperation initializer when ZeroValues.HasRawZero(initializer.Value, model):
                CheckInitialized(context, initializer.InitializedFields, initializer.Value, model);
                break;
            case IPropertyInitializerOperation initializer when ZeroValues.HasRawZero(initializer.Value, model):
                CheckInitialized(context, initializer.InitializedProperties, initializer.Value, model);
                break;
            case IParameterInitializerOperation initializer
                when model.Shape(initializer.Parameter.Type) == RawShape.Scalar && ZeroValues.HasRawZero(initializer.Value, model):
                // void Set([SpteSlot(typeof(T))] ulong e = 0): T.NonPresentValue is a constant, so the fix applies.
                Check(context, model.Slot(initializer.Parameter), initializer.Value, model);
                break;
            case IReturnOperation { ReturnedValue: { } returned } ret when ZeroValues.HasRawZero(returned, model):
                var function = ret.EnclosingFunction(scope.Owner);
                if (function is IMethodSymbol { ReturnsByRef: false, ReturnsByRefReadonly: false } or IPropertySymbol { ReturnsByRef: false, ReturnsByRefReadonly: false }
                    && model.Shape(returned.Type) == RawShape.Scalar)
                {
                    Check(context, model.Slot(function), returned, model);
                }

                break;
            case IInvocationOperation invocation:
                CheckArguments(context, invocation.Arguments, model);
                if (KnownMethods.IsExchange(invocation.TargetMethod, model.Symbols))
                {
                    CheckExchange(context, invocation, scope);
                }

                break;
            case IObjectCreationOperation creation:
                CheckArguments(context, creation.Arguments, model);
                break;
            case IPropertyReferenceOperation property:
                CheckArguments(context, property.Arguments, model);
                break;
            case ICollectionExpressionOperation collection:
                // Compilers newer than the floor put with(…)'s arguments first among the children.
                foreach (var child in collection.ChildOperations)
                {
                    if (child is IArgumentOperation argument)
                    {
                        CheckArgument(context, argument, model);
                    }
                }

                break;
            case IDeconstructionAssignmentOperation deconstruction
                when deconstruction.Value.WalkDownConversions() is ITupleOperation value:
                RawZeroFormsRule.CheckDeconstruction(context, deconstruction.Target, value, scope);
                break;
            case IArrayCreationOperation { Initializer: { } initializer } creation
                when creation.Type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_UInt64 }
                && HasRawZeroElement(initializer, model):
                if (Destinations.SlotOf(creation, scope) is { } format)
                {
                    foreach (var element in initializer.ElementValues)
                    {
                        Check(context, format, element, model);
                    }
                }

                break;
        }
    }

    /// <summary>The raw fields or properties an initializer gives <paramref name="value"/>.</summary>
    private static void CheckInitialized<TMember>(OperationAnalysisContext context, ImmutableArray<TMember> members, IOperation value, SpteModel model)
        where TMember : ISymbol
    {
        foreach (var member in members)
        {
            if (model.Shape(member is IFieldSymbol field ? field.Type : ((IPropertySymbol)member).Type) == RawShape.Scalar)
            {
                Check(context, model.Slot(member), value, model);
            }
        }
    }

    private static void CheckArguments(OperationAnalysisContext context, ImmutableArray<IArgumentOperation> arguments, SpteModel model)
    {
        foreach (var argument in arguments)
        {
            CheckArgument(context, argument, model);
        }
    }

    /// <summary>A value passed to a raw <c>ulong</c> parameter, which is a slot when marked.</summary>
    private static void CheckArgument(OperationAnalysisContext context, IArgumentOperation argument, SpteModel model)
    {
        if (argument.Parameter is { RefKind: RefKind.None or RefKind.In } parameter
            && parameter.Type.SpecialType == SpecialType.System_UInt64
            && ZeroValues.HasRawZero(argument.Value, model))
        {
            Check(context, model.Slot(parameter), argument.Value, model);
        }
    }

    private static bool HasRawZeroElement(IArrayInitializerOperation initializer, SpteModel model)
    {
        foreach (var element in initializer.ElementValues)
        {
            if (ZeroValues.HasRawZero(element, model))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether SPTE1002 (the value of <c>Fill</c>) or SPTE1003 (the other side of <c>Equals</c>)
    /// owns this argument.
    /// </summary>
    private static bool IsOtherRulesArgument(IArgumentOperation argument, SpteModel model) =>
        argument.Parent is IInvocationOperation invocation
        && (KnownMethods.IsFill(invocation.TargetMethod, model.Symbols)
            || KnownMethods.IsEntryEquals(invocation.TargetMethod, invocation.Instance?.Type)
            || PresenceTestRule.IsComparerEquals(invocation.TargetMethod, model.Symbols));

    private static void CheckExchange(OperationAnalysisContext context, IInvocationOperation invocation, BlockScope scope)
    {
        // The new value, and CompareExchange's comparand: a 0 there expects an empty slot to be 0.
        if (invocation.Arguments.ArgumentFor(0) is not { } location
            || scope.Model.Shape(location.Value.Type) != RawShape.Scalar
            || !invocation.Arguments.Any(argument => IsExchangedValue(argument, location) && ZeroValues.HasRawZero(argument.Value, scope.Model))
            || scope.SlotOf(location.Value) is not { } format)
        {
            return;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (IsExchangedValue(argument, location))
            {
                Check(context, format, argument.Value, scope.Model);
            }
        }
    }

    private static bool IsExchangedValue(IArgumentOperation argument, IArgumentOperation location) =>
        argument != location && argument.Parameter?.Type.SpecialType == SpecialType.System_UInt64;

    /// <summary>Reports every zero part of <paramref name="value"/> stored into a slot of <paramref name="format"/>.</summary>
    internal static void Check(OperationAnalysisContext context, FormatInfo? format, IOperation value, SpteModel model)
    {
        if (format is not { ZeroIsWrong: true })
        {
            return;
        }

        foreach (var zero in ZeroValues.RawZeroLeaves(value, model))
        {
            context.ReportDiagnostic(Reports.ZeroRaw(zero, format));
        }
    }
}

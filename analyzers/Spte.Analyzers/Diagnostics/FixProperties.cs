namespace Spte.Analyzers.Diagnostics;

/// <summary>
/// Keys and values of <c>Diagnostic.Properties</c>: what the analyzer tells the code fixes, so a
/// fix never has to repeat the analyzer's data flow. Linked into the code-fix assembly.
/// </summary>
internal static class FixProperties
{
    /// <summary>Which rewrite applies. Absent when no mechanical fix exists.</summary>
    public const string Fix = "SpteFix";

    /// <summary>Replace the reported expression with the non-present value (<see cref="Value"/>).</summary>
    public const string ReplaceValue = "ReplaceValue";

    /// <summary>Replace the reported compound assignment <c>x op= v</c> with <c>x = value</c> (<see cref="Value"/>).</summary>
    public const string AssignValue = "AssignValue";

    /// <summary>Replace the reported allocation with <c>T.NewTable(n)</c>; additional location 0 is <c>n</c>.</summary>
    public const string NewTable = "NewTable";

    /// <summary>Rewrite <c>Array.Clear(a[, i, n])</c> to <c>Array.Fill(a, value[, i, n])</c>.</summary>
    public const string ArrayFill = "ArrayFill";

    /// <summary>Rewrite <c>x.Clear()</c> to <c>x.Fill(value)</c>.</summary>
    public const string SpanFill = "SpanFill";

    /// <summary>
    /// Insert a fill of the variable the reported allocation is stored in right after its statement;
    /// additional location 0 is the variable (a declarator's identifier or an assignment target).
    /// </summary>
    public const string FillAfter = "FillAfter";

    /// <summary>Replace the reported comparison with an <c>IsPresent</c> test.</summary>
    public const string IsPresent = "IsPresent";

    /// <summary>The non-present value to write: one of <see cref="NonPresent"/>, <see cref="NonPresentValue"/>, <see cref="ViewNonPresent"/>.</summary>
    public const string Value = "SpteValue";

    /// <summary><c>T.NonPresent</c>, for a location of the format type itself.</summary>
    public const string NonPresent = "NonPresent";

    /// <summary><c>T.NonPresentValue</c>, for a raw <c>ulong</c> slot.</summary>
    public const string NonPresentValue = "NonPresentValue";

    /// <summary><c>V.FromRaw(T.NonPresentValue)</c>, for a location of view type <c>V</c> of format <c>T</c>.</summary>
    public const string ViewNonPresent = "ViewNonPresent";

    /// <summary>The format: a documentation-comment ID (<c>T:Ns.Type</c>), or a type parameter's name.</summary>
    public const string Format = "SpteFormat";

    /// <summary>The view type for <see cref="ViewNonPresent"/>, as a documentation-comment ID.</summary>
    public const string View = "SpteView";

    /// <summary>How <see cref="FillAfter"/> fills: <see cref="FillArray"/> or <see cref="FillSpan"/>.</summary>
    public const string FillKind = "SpteFillKind";

    /// <summary><c>Array.Fill(x, value)</c>.</summary>
    public const string FillArray = "Array";

    /// <summary><c>x.Fill(value)</c>.</summary>
    public const string FillSpan = "Span";

    /// <summary>"true" when the comparison asked "is it empty" and the fix is <c>!IsPresent</c>.</summary>
    public const string Negate = "SpteNegate";

    /// <summary>
    /// What the compared operand (additional location 0) is: <see cref="OperandEntry"/>,
    /// <see cref="OperandRaw"/>, <see cref="OperandImplicitRaw"/> or <see cref="OperandSlot"/>.
    /// </summary>
    public const string Operand = "SpteOperand";

    /// <summary>The operand is an entry: the fix is <c>x.IsPresent</c>.</summary>
    public const string OperandEntry = "Entry";

    /// <summary>The operand is <c>x.Raw</c>: the fix is <c>x.IsPresent</c>.</summary>
    public const string OperandRaw = "Raw";

    /// <summary>The operand is <c>Raw</c> inside the entry type itself: the fix is <c>IsPresent</c>.</summary>
    public const string OperandImplicitRaw = "ImplicitRaw";

    /// <summary>The operand is a raw slot value: the fix is <c>T.FromRaw(x).IsPresent</c>.</summary>
    public const string OperandSlot = "Slot";
}

namespace Spte.Analyzers.Symbols;

/// <summary>The raw <c>ulong</c> shapes a <c>[SpteSlot]</c> location can have.</summary>
internal enum RawShape
{
    /// <summary>Not a raw entry shape.</summary>
    None,

    /// <summary><c>ulong</c> (also <c>ref ulong</c>): one entry.</summary>
    Scalar,

    /// <summary><c>ulong[]</c>.</summary>
    Array,

    /// <summary><c>ulong*</c>.</summary>
    Pointer,

    /// <summary><c>Span&lt;ulong&gt;</c> or <c>ReadOnlySpan&lt;ulong&gt;</c>.</summary>
    Span,

    /// <summary><c>Memory&lt;ulong&gt;</c> or <c>ReadOnlyMemory&lt;ulong&gt;</c>.</summary>
    Memory,
}

using System;

namespace Spte;

/// <summary>
/// What every generated entry format implements, so MMU code can be written once over any
/// format and specialised by the JIT per format.
/// </summary>
/// <typeparam name="T">The format itself.</typeparam>
public interface ISpte<T> : IEquatable<T>
    where T : struct, ISpte<T>
{
    /// <summary>The raw value of a non-present entry (KVM's <c>SHADOW_NONPRESENT_VALUE</c>).</summary>
    static abstract ulong NonPresentValue { get; }

    /// <summary>The bits of which any one makes an entry present.</summary>
    static abstract ulong PresentMask { get; }

    /// <summary>The non-present entry.</summary>
    static abstract T NonPresent { get; }

    /// <summary>Wraps a raw 64-bit value.</summary>
    static abstract T FromRaw(ulong raw);

    /// <summary>A new table of <paramref name="entries"/> entries, each <see cref="NonPresent"/>.</summary>
    static abstract T[] NewTable(int entries);

    /// <summary>The raw 64-bit value.</summary>
    ulong Raw { get; }

    /// <summary>Whether any present bit is set.</summary>
    bool IsPresent { get; }
}

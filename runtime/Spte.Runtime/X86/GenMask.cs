namespace Spte.Runtime.X86;

/// <summary>The kernel's <c>GENMASK_ULL</c>.</summary>
internal static class GenMask
{
    /// <summary>Bits <paramref name="low"/> through <paramref name="high"/> set.</summary>
    public static ulong Ull(int high, int low) => (ulong.MaxValue >> (63 - high)) & ~((1UL << low) - 1);
}

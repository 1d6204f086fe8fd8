namespace Spte.Generator.Tests.Fuzz;

/// <summary>
/// The random choices behind one spec, drawn by CsCheck. Builders read them in order, so
/// CsCheck's shrinking (towards smaller numbers) shrinks towards the first, simplest option of
/// every choice.
/// </summary>
internal sealed class Recipe(uint[] choices, ulong[] values)
{
    private int _choice;
    private int _value;

    /// <summary>A number in 0..<paramref name="bound"/>-1.</summary>
    public int Next(int bound) => bound <= 1 ? 0 : (int)(choices[_choice++ % choices.Length] % (uint)bound);

    /// <summary>A number in <paramref name="low"/>..<paramref name="high"/>, inclusive.</summary>
    public int Between(int low, int high) => low + Next(high - low + 1);

    public bool Chance(int percent) => Next(100) < percent;

    public ulong NextULong() => values[_value++ % values.Length];

    public T Pick<T>(System.Collections.Generic.IReadOnlyList<T> items) => items[Next(items.Count)];
}

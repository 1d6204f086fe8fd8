namespace Spte.Cli.Model;

/// <summary>Bits <see cref="Low"/>..<see cref="High"/> of an entry, both inclusive.</summary>
/// <param name="Low">The lowest bit.</param>
/// <param name="High">The highest bit.</param>
internal readonly record struct BitRun(int Low, int High)
{
    /// <summary>The number of bits in the run.</summary>
    public int Width => High - Low + 1;

    /// <summary>The run's bits as a 64-bit mask.</summary>
    public ulong Mask => (Width == 64 ? ulong.MaxValue : (1UL << Width) - 1) << Low;

    /// <summary>"bit 7" or "bits 12..51", the way the docs and diagnostics write bits.</summary>
    public override string ToString() => BitText.Describe([this]);
}

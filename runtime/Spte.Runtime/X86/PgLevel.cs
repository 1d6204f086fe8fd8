namespace Spte.Runtime.X86;

/// <summary>Page-table levels and the arithmetic KVM does on them (<c>PG_LEVEL_*</c>, <c>KVM_PAGES_PER_HPAGE</c>).</summary>
public static class PgLevel
{
    /// <summary><c>PG_LEVEL_4K</c>: a leaf table entry.</summary>
    public const int Pg4K = 1;

    /// <summary><c>PG_LEVEL_2M</c>: a page-directory entry.</summary>
    public const int Pg2M = 2;

    /// <summary><c>PG_LEVEL_1G</c>: a PDPT entry.</summary>
    public const int Pg1G = 3;

    /// <summary><c>PT64_ROOT_4LEVEL</c>.</summary>
    public const int Root4Level = 4;

    /// <summary><c>PT64_ROOT_5LEVEL</c> (<c>PT64_ROOT_MAX_LEVEL</c>).</summary>
    public const int Root5Level = 5;

    /// <summary>Index bits per level (<c>PT64_LEVEL_BITS</c>).</summary>
    public const int LevelBits = 9;

    /// <summary>4K pages covered by one entry at <paramref name="level"/> (<c>KVM_PAGES_PER_HPAGE</c>).</summary>
    public static ulong PagesPerHpage(int level) => 1UL << ((level - 1) * LevelBits);

    /// <summary>The entry index of <paramref name="gfn"/> in a table at <paramref name="level"/> (<c>SPTE_INDEX</c>).</summary>
    public static int Index(ulong gfn, int level) => (int)((gfn >> ((level - 1) * LevelBits)) & 511);

    /// <summary><paramref name="gfn"/> rounded down to an entry boundary at <paramref name="level"/> (<c>gfn_round_for_level</c>).</summary>
    public static ulong RoundGfn(ulong gfn, int level) => gfn & ~(PagesPerHpage(level) - 1);

    /// <summary>The page size an entry at <paramref name="level"/> maps: 4K, 2M, 1G, 512G, 256T.</summary>
    public static string Name(int level) => level switch
    {
        Pg4K => "4K",
        Pg2M => "2M",
        Pg1G => "1G",
        Root4Level => "512G",
        _ => "256T",
    };
}

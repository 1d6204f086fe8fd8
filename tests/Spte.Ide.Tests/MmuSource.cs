namespace Spte.Ide.Tests;

/// <summary>The consumer's file: one defect per rule, each on its own line (0-based numbers below).</summary>
internal static class MmuSource
{
    public const int Spte1001Line = 15;
    public const int Spte1002Line = 16;
    public const int Spte1003Line = 17;

    public const string Broken = """
        using Spte;

        [SpteFormat(NonPresentValue = 1UL << 63)]
        public readonly partial struct EptSpte
        {
            [Bit(11), Present] public partial bool MmuPresent { get; }
        }

        public sealed class Page
        {
            [SpteSlot(typeof(EptSpte))] public ulong[] Spt { get; set; } = System.Array.Empty<ulong>();
        }

        public static class Mmu
        {
            public static void Clear(Page page, int index) { page.Spt[index] = 0; }
            public static EptSpte[] NewRoot() { return new EptSpte[512]; }
            public static bool IsPresent(EptSpte spte) { return spte.Raw != 0; }
        }
        """;

    /// <summary><see cref="Broken"/> with SPTE1001 fixed the way its code fix does.</summary>
    public static string Spte1001Fixed { get; } =
        Broken.Replace("page.Spt[index] = 0;", "page.Spt[index] = EptSpte.NonPresentValue;", System.StringComparison.Ordinal);
}

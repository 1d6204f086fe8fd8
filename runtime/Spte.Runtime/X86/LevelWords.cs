using System.Runtime.CompilerServices;

namespace Spte.Runtime.X86;

/// <summary>One word per paging level (index 0 unused), held inline so a lookup is no load of an array reference.</summary>
[InlineArray(PgLevel.Root5Level + 1)]
internal struct LevelWords
{
    private ulong _level0;
}

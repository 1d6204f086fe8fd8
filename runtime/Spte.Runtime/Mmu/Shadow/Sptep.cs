using Spte.Runtime.Memory;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime.Mmu.Shadow;

/// <summary>
/// A pointer to one SPTE (KVM's <c>u64 *sptep</c>): entry <paramref name="Index"/> of the table
/// of <paramref name="Sp"/>. The page is what <c>sptep_to_sp</c> would find.
/// </summary>
/// <typeparam name="T">The entry format.</typeparam>
internal readonly record struct Sptep<T>(KvmMmuPage<T> Sp, int Index)
    where T : struct, IKvmSpte<T>
{
    /// <summary>The entry itself.</summary>
    public ref T Value => ref HostMemory.Entry(Sp.Spt, Index);

    /// <summary>
    /// The first GFN the entry maps (<c>kvm_mmu_page_get_gfn</c>): computed for a direct page,
    /// recorded per entry for a page that shadows a guest table.
    /// </summary>
    public ulong Gfn => Sp.ShadowedGfns is { } gfns ? gfns[Index] : Sp.Gfn + ((ulong)Index * PgLevel.PagesPerHpage(Sp.Level));

    /// <inheritdoc/>
    public override string ToString() => $"{Sp}[{Index}]";
}

namespace Spte.Runtime.Memory;

/// <summary>A page-table page: its host frame and its 512 entries.</summary>
/// <typeparam name="T">The entry format.</typeparam>
/// <param name="Pfn">The host frame number.</param>
/// <param name="Spt">The entries (KVM's <c>sp-&gt;spt</c>).</param>
internal readonly record struct PageTablePage<T>(ulong Pfn, T[] Spt)
    where T : struct;

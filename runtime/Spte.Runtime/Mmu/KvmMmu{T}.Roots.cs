using System;
using System.Collections.Generic;
using Spte.Runtime.Memory;

namespace Spte.Runtime.Mmu;

/// <summary>Loading roots for vCPUs (<c>kvm_mmu_load</c>, <c>kvm_mmu_free_roots</c>).</summary>
internal sealed partial class KvmMmu<T>
{
    /// <summary>The roots (valid and invalidated) of the MMU in use.</summary>
    public IReadOnlyList<KvmMmuPage<T>> Roots => Options.TdpMmu ? Tdp.Roots : Shadow.Roots;

    /// <summary>
    /// KVM's <c>kvm_mmu_load</c> for a direct vCPU: tops up <paramref name="cache"/>, then takes a
    /// reference to the valid root of <paramref name="asId"/>, allocating it if there is none —
    /// the TDP MMU's under the shared lock (<c>kvm_tdp_mmu_alloc_root</c>), the legacy MMU's under
    /// the write lock (<c>mmu_alloc_direct_roots</c>).
    /// </summary>
    /// <exception cref="HostMemoryExhaustedException">The cache could not be topped up.</exception>
    public KvmMmuPage<T> GetRoot(int asId, MemoryCache<T> cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        cache.Topup(Options.TopupMin);
        if (!Options.TdpMmu)
        {
            using (WriteLock())
            {
                return Shadow.MmuAllocDirectRoot(asId, cache);
            }
        }

        using (ReadLock())
        {
            return Tdp.GetRoot(asId, cache);
        }
    }

    /// <summary>
    /// KVM's <c>kvm_mmu_load</c> for a shadow-paging vCPU with paging on: tops up
    /// <paramref name="cache"/>, then under the write lock takes a reference to the root that
    /// shadows the guest's PML4 at <paramref name="pml4Gfn"/> (<c>mmu_alloc_shadow_roots</c>).
    /// </summary>
    /// <exception cref="HostMemoryExhaustedException">The cache could not be topped up.</exception>
    public KvmMmuPage<T> GetShadowRoot(int asId, ulong pml4Gfn, MemoryCache<T> cache)
    {
        cache.Topup(Options.TopupMin);
        using (WriteLock())
        {
            return Shadow.MmuAllocShadowRoot(asId, pml4Gfn, cache);
        }
    }

    /// <summary>KVM's <c>kvm_mmu_free_roots</c> for one root: drops the vCPU's reference (<c>kvm_tdp_mmu_put_root</c> or <c>mmu_free_root_page</c>).</summary>
    public void PutRoot(KvmMmuPage<T> root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (root.TdpMmuPage)
        {
            Tdp.PutRoot(root);
            return;
        }

        using (WriteLock())
        {
            Shadow.MmuFreeRootPage(root);
        }

        Rcu.Poll();
    }

    /// <summary>Whether a vCPU must stop using <paramref name="root"/> and load another (<c>is_obsolete_root</c>).</summary>
    public static bool IsObsoleteRoot(KvmMmuPage<T> root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return root.Invalid;
    }
}

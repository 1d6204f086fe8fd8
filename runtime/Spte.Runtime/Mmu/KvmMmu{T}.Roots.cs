using System;
using System.Collections.Generic;
using Spte.Runtime.Memory;

namespace Spte.Runtime.Mmu;

/// <summary>Loading roots for vCPUs (<c>kvm_mmu_load</c>, <c>kvm_mmu_free_roots</c>).</summary>
internal sealed partial class KvmMmu<T>
{
    /// <summary>The TDP MMU's roots (valid and invalidated), in allocation order.</summary>
    public IReadOnlyList<KvmMmuPage<T>> Roots => Tdp.Roots;

    /// <summary>
    /// KVM's <c>kvm_mmu_load</c> for a TDP vCPU: tops up <paramref name="cache"/>, then under the
    /// shared lock takes a reference to the valid root of <paramref name="asId"/>, allocating it
    /// if there is none (<c>kvm_tdp_mmu_alloc_root</c>).
    /// </summary>
    /// <exception cref="HostMemoryExhaustedException">The cache could not be topped up.</exception>
    public KvmMmuPage<T> GetRoot(int asId, MemoryCache<T> cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        cache.Topup(Options.TopupMin);
        using (ReadLock())
        {
            return Tdp.GetRoot(asId, cache);
        }
    }

    /// <summary>KVM's <c>kvm_mmu_free_roots</c> for one root: drops the vCPU's reference (<c>kvm_tdp_mmu_put_root</c>).</summary>
    public void PutRoot(KvmMmuPage<T> root)
    {
        ArgumentNullException.ThrowIfNull(root);
        Tdp.PutRoot(root);
    }

    /// <summary>Whether a vCPU must stop using <paramref name="root"/> and load another (<c>is_obsolete_root</c>).</summary>
    public static bool IsObsoleteRoot(KvmMmuPage<T> root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return root.Invalid;
    }
}

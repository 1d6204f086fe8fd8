using System.Collections.Generic;
using Spte.Runtime.Mmu.Spte;

namespace Spte.Runtime.Mmu.Shadow;

/// <summary>
/// KVM's <c>struct kvm_rmap_head</c> / pte_list: a set of SPTE pointers, stored inline while it
/// holds one (the common case) and in a list beyond that, as KVM switches from a tagged pointer
/// to <c>pte_list_desc</c> chunks. It backs the rmap (the leafs mapping a GFN) and a legacy
/// page's parent entries.
/// </summary>
/// <typeparam name="T">The entry format.</typeparam>
internal struct PteList<T>
    where T : struct, IKvmSpte<T>
{
    private Sptep<T> _one;
    private List<Sptep<T>>? _many;

    /// <summary>The only member, when <see cref="Count"/> is 1 (read without copying the set).</summary>
    public readonly Sptep<T> Single => _many is null ? _one : _many[0];

    /// <summary>How many SPTEs the set holds (<c>pte_list_count</c>).</summary>
    public readonly int Count => _many?.Count ?? (_one.Sp is null ? 0 : 1);

    /// <summary>KVM's <c>pte_list_add</c>.</summary>
    public void Add(Sptep<T> sptep)
    {
        if (_many is not null)
        {
            _many.Add(sptep);
        }
        else if (_one.Sp is null)
        {
            _one = sptep;
        }
        else
        {
            _many = [_one, sptep];
            _one = default;
        }
    }

    /// <summary>KVM's <c>pte_list_remove</c>; false when <paramref name="sptep"/> is not in the set (KVM's BUG).</summary>
    public bool Remove(Sptep<T> sptep)
    {
        if (_many is not null)
        {
            if (!_many.Remove(sptep))
            {
                return false;
            }

            if (_many.Count == 1)
            {
                _one = _many[0];
                _many = null;
            }

            return true;
        }

        if (_one != sptep)
        {
            return false;
        }

        _one = default;
        return true;
    }

    /// <summary>Whether <paramref name="sptep"/> is in the set.</summary>
    public readonly bool Contains(Sptep<T> sptep) => _many?.Contains(sptep) ?? (_one.Sp is not null && _one == sptep);

    /// <summary>A copy of the members, so a caller may remove them while it goes through them (<c>for_each_rmap_spte</c> with zapping).</summary>
    public readonly Sptep<T>[] ToArray() => _many is not null ? [.. _many] : _one.Sp is null ? [] : [_one];
}

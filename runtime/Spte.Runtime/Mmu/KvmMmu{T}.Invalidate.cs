using System;
using System.Threading;

namespace Spte.Runtime.Mmu;

/// <summary>
/// The MMU-notifier protocol of virt/kvm/kvm_main.c: <c>mmu_invalidate_seq</c>, the count of
/// invalidations in progress and the GFN range they cover. Faultin reads the sequence before it
/// looks up the host page; the fault retries if an invalidation of its GFN is running, or any
/// ended, since then.
/// </summary>
internal sealed partial class KvmMmu<T>
{
    private long _mmuInvalidateSeq;
    private long _mmuInvalidateInProgress;
    private ulong _mmuInvalidateRangeStart;
    private ulong _mmuInvalidateRangeEnd;

    /// <summary>The MMU-notifier sequence (<c>mmu_invalidate_seq</c>): bumped when an invalidation ends.</summary>
    public long MmuInvalidateSeq => Volatile.Read(ref _mmuInvalidateSeq);

    /// <summary>
    /// KVM's <c>kvm_mmu_invalidate_begin</c>, with the write lock held: one more invalidation is
    /// running. The first one starts from an empty range; <see cref="MmuInvalidateRangeAdd"/>
    /// adds the GFNs each one covers.
    /// </summary>
    private void MmuInvalidateBegin()
    {
        if (Interlocked.Increment(ref _mmuInvalidateInProgress) == 1)
        {
            _mmuInvalidateRangeStart = ulong.MaxValue;
            _mmuInvalidateRangeEnd = 0;
        }
    }

    /// <summary>
    /// KVM's <c>kvm_mmu_invalidate_range_add</c>, with the write lock held: GFNs
    /// [<paramref name="start"/>, <paramref name="end"/>) are being invalidated. Concurrent
    /// invalidations widen one range to cover all of them, as KVM does.
    /// </summary>
    private void MmuInvalidateRangeAdd(ulong start, ulong end)
    {
        _mmuInvalidateRangeStart = Math.Min(_mmuInvalidateRangeStart, start);
        _mmuInvalidateRangeEnd = Math.Max(_mmuInvalidateRangeEnd, end);
    }

    /// <summary>An invalidation over GFNs [<paramref name="start"/>, <paramref name="end"/>) that is done before the write lock drops (KVM's <c>kvm_zap_gfn_range</c> pattern).</summary>
    private void MmuInvalidateBegin(ulong start, ulong end)
    {
        MmuInvalidateBegin();
        MmuInvalidateRangeAdd(start, end);
    }

    /// <summary>
    /// KVM's <c>kvm_mmu_invalidate_end</c>, with the write lock held: the sequence is bumped
    /// before the in-progress count drops, so a fault that saw neither still retries.
    /// </summary>
    private void MmuInvalidateEnd()
    {
        Interlocked.Increment(ref _mmuInvalidateSeq);
        if (Interlocked.Decrement(ref _mmuInvalidateInProgress) < 0)
        {
            throw KvmBug("mmu_invalidate_in_progress went below zero: an invalidation ended that never began.");
        }
    }

    /// <summary>
    /// KVM's <c>mmu_invalidate_retry_gfn</c>, with the MMU lock held: an invalidation of
    /// <paramref name="gfn"/> is running, or one ended since <paramref name="mmuSeq"/> was read.
    /// Invalidations of other GFNs do not hold the fault off.
    /// </summary>
    private bool MmuInvalidateRetryGfn(long mmuSeq, ulong gfn) =>
        (Volatile.Read(ref _mmuInvalidateInProgress) != 0
            && gfn >= _mmuInvalidateRangeStart && gfn < _mmuInvalidateRangeEnd)
        || mmuSeq != MmuInvalidateSeq;
}

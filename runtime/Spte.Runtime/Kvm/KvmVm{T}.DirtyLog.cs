using System;
using System.Threading;
using Spte.Runtime.Memslots;

namespace Spte.Runtime;

/// <summary>Dirty logging: <c>KVM_GET_DIRTY_LOG</c>, <c>KVM_CLEAR_DIRTY_LOG</c> and manual protection (virt/kvm/kvm_main.c).</summary>
public sealed partial class KvmVm<T>
{
    /// <summary>The bits x86 accepts (<c>KVM_DIRTY_LOG_MANUAL_CAPS</c>).</summary>
    private const KvmDirtyLogManualProtect ManualCaps = KvmDirtyLogManualProtect.ManualProtectEnable | KvmDirtyLogManualProtect.InitiallySet;

    /// <summary>KVM's <c>kvm-&gt;manual_dirty_log_protect</c>: a plain word KVM reads without a lock.</summary>
    private ulong _manualDirtyLogProtect;

    private KvmDirtyLogManualProtect ManualDirtyLogProtect => (KvmDirtyLogManualProtect)Volatile.Read(ref _manualDirtyLogProtect);

    /// <summary>KVM's <c>kvm_dirty_log_manual_protect_and_init_set</c>.</summary>
    private bool InitiallySet => (ManualDirtyLogProtect & KvmDirtyLogManualProtect.InitiallySet) != 0;

    /// <inheritdoc/>
    public override void EnableManualDirtyLogProtect(KvmDirtyLogManualProtect options)
    {
        ThrowIfBugged();

        // kvm_vm_ioctl_enable_cap_generic: INITIALLY_SET is allowed only together with ENABLE.
        var allowed = (options & KvmDirtyLogManualProtect.ManualProtectEnable) != 0 ? ManualCaps : KvmDirtyLogManualProtect.ManualProtectEnable;
        if ((options & ~allowed) != 0)
        {
            throw new KvmException(KvmErrno.EINVAL, $"KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 takes 0, MANUAL_PROTECT_ENABLE or both bits, not 0x{(ulong)options:X}.");
        }

        Volatile.Write(ref _manualDirtyLogProtect, (ulong)options);
    }

    /// <inheritdoc/>
    public override ulong[] GetDirtyLog(uint slot)
    {
        ThrowIfBugged();
        lock (_slotsLock)
        {
            var memslot = DirtyLogSlot(slot);

            // kvm_get_dirty_log_protect: under manual protection nothing is cleared or protected
            // until KVM_CLEAR_DIRTY_LOG, so no flush either.
            if ((ManualDirtyLogProtect & KvmDirtyLogManualProtect.ManualProtectEnable) != 0)
            {
                return memslot.CopyDirtyBitmap();
            }

            var bitmap = memslot.TakeDirtyBitmap();
            Mmu.WriteProtectDirtyGfns(memslot, bitmap, initiallySet: false);
            return bitmap;
        }
    }

    /// <inheritdoc/>
    public override void ClearDirtyLog(uint slot, ulong firstPage, ReadOnlySpan<ulong> bitmap, uint numPages)
    {
        ThrowIfBugged();
        lock (_slotsLock)
        {
            // kvm_clear_dirty_log_protect checks in this order: ids, first_page alignment, the
            // slot, the range, then copies the user's bitmap.
            CheckSlotId(slot);
            if (firstPage % 64 != 0)
            {
                throw new KvmException(KvmErrno.EINVAL, $"first_page {firstPage} is not a multiple of 64.");
            }

            var memslot = DirtyLogSlot(slot);
            if (firstPage > memslot.NPages || numPages > memslot.NPages - firstPage
                || (numPages < memslot.NPages - firstPage && numPages % 64 != 0))
            {
                throw new KvmException(KvmErrno.EINVAL, $"pages {firstPage}+{numPages} do not fit {memslot}: the range must lie in the slot, and num_pages must be a multiple of 64 unless it reaches the slot's end.");
            }

            var words = (int)((numPages + 63) / 64);
            if (bitmap.Length < words)
            {
                throw new KvmException(KvmErrno.EFAULT, $"the bitmap holds {bitmap.Length * 64} bits; {numPages} pages need {words} words.");
            }

            // Only the bits that really were set are re-armed: those are the pages the guest
            // dirtied and userspace has now collected (a bit past the slot's end is never set).
            var cleared = new ulong[(memslot.NPages + 63) / 64];
            var first = (int)(firstPage / 64);
            var any = false;
            for (var i = 0; i < words; i++)
            {
                if (bitmap[i] != 0)
                {
                    cleared[first + i] = memslot.ClearDirtyBits(first + i, bitmap[i]);
                    any |= cleared[first + i] != 0;
                }
            }

            if (any)
            {
                Mmu.WriteProtectDirtyGfns(memslot, cleared, InitiallySet);
            }
        }
    }

    /// <summary>The range check <c>KVM_GET_DIRTY_LOG</c> and <c>KVM_CLEAR_DIRTY_LOG</c> share: the address space and slot id of <paramref name="slot"/>.</summary>
    private static void CheckSlotId(uint slot)
    {
        if ((slot >> 16) >= KvmMemslots.AddressSpaceCount || (slot & 0xFFFF) >= KvmMemslots.UserMemSlots)
        {
            throw new KvmException(KvmErrno.EINVAL, $"slot 0x{slot:X} is out of range.");
        }
    }

    /// <summary>The slot a dirty-log ioctl names; no slot, or one without a dirty bitmap, is ENOENT (<c>kvm_get_dirty_log</c>).</summary>
    private KvmMemorySlot DirtyLogSlot(uint slot)
    {
        CheckSlotId(slot);
        var memslot = Memslots.IdToMemslot((int)(slot >> 16), (int)(slot & 0xFFFF));
        if (memslot is null || !memslot.DirtyLogging)
        {
            throw new KvmException(KvmErrno.ENOENT, $"slot 0x{slot:X} does not exist or does not log dirty pages.");
        }

        return memslot;
    }
}

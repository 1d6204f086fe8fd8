using Spte.Runtime.Formats;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>
/// A fault that found no slot and a memslot update that creates one race (the mmu-stress run
/// found it: a vCPU writing a slot while the host re-creates it). KVM's MMIO SPTE then carries
/// the generation of the memslots the fault looked up (an update in progress keeps the old
/// generation until the fault's SRCU section ends), so it is stale once the update is done and
/// the retry maps the RAM. Taking the generation at install time instead would make it look
/// current for a GFN that has a slot: the guest's accesses there would be emulated as MMIO.
/// </summary>
public abstract class MmioGenerationRaceTests<T>
    where T : struct, IKvmSpte<T>
{
    protected abstract MmioSpteMask Mmio { get; }

    [Fact]
    public void An_mmio_spte_installed_after_its_slot_appeared_is_stale_and_the_retry_maps_ram()
    {
        var h = new MmuHarness<T>(Mmio);
        const ulong gpa = 0x20_0000;
        var fault = new KvmPageFault
        {
            Addr = gpa,
            ErrorCode = PageFaultErrorCode.Write | PageFaultErrorCode.User,
            Gfn = gpa >> 12,
            MaxLevel = PgLevel.Pg4K,
            PteAccess = SpteAccess.All,
        };
        Assert.Equal(PageFaultResult.Continue, h.Mmu.FaultinPfn(ref fault));
        Assert.Null(fault.Slot);

        // KVM_SET_USER_MEMORY_REGION on another thread, between faultin and the map step.
        h.AddSlot(0, gpa, 2 << 20);
        h.Cache.Topup(h.Mmu.Options.TopupMin);
        using (h.Mmu.ReadLock())
        {
            h.Mmu.Tdp.KvmTdpMmuMap(h.Root, ref fault, h.Cache);
        }

        var (level, mmio) = h.Last(gpa);
        Assert.Equal(PgLevel.Pg4K, level);
        Assert.True(Spte<T>.IsMmioSpte(h.Mmu.Options.Mmio, mmio));
        Assert.NotEqual(h.Memslots.MmioGeneration, mmio.MmioGeneration);
        h.AssertInvariants();

        // The guest's retry: a reserved-bit fault on the stale MMIO SPTE takes the full fault, which maps the RAM.
        Assert.Equal(PageFaultResult.Fixed, h.Fault(gpa, PageFaultErrorCode.Rsvd | PageFaultErrorCode.Write | PageFaultErrorCode.User));
        Assert.True(h.Last(gpa).Spte.IsPresent);
        h.AssertInvariants();
    }
}

/// <summary>The race over EPT.</summary>
public sealed class EptMmioGenerationRaceTests : MmioGenerationRaceTests<EptSpte>
{
    protected override MmioSpteMask Mmio => MmioSpteMask.Vmx;
}

/// <summary>The race over NPT.</summary>
public sealed class NptMmioGenerationRaceTests : MmioGenerationRaceTests<NptSpte>
{
    protected override MmioSpteMask Mmio => MmioSpteMask.Npt(46);
}

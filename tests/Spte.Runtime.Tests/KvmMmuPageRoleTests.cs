using Spte.Runtime.Formats;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;
using Xunit;

namespace Spte.Runtime.Tests;

/// <summary>Every page the TDP MMU builds has a direct role with full access, its level and its address space.</summary>
public class KvmMmuPageRoleTests
{
    [Fact]
    public void Tdp_pages_on_a_walk_are_direct_with_their_level_and_address_space()
    {
        var h = new MmuHarness<EptSpte>(MmioSpteMask.Vmx, maxHugePageLevel: PgLevel.Pg4K);
        h.AddSlot(0, 0, 1UL << 20);
        Assert.Equal(PageFaultResult.Fixed, h.Fault(0x5000));

        Assert.Equal(KvmMmuPageRole.Tdp(PgLevel.Root4Level, 0), h.Root.Role);
        var walk = h.Walk(0x5000);
        for (var i = 0; i < walk.Count - 1; i++)
        {
            var child = h.Mmu.PageOf(walk[i].Spte.Pfn)!;
            Assert.Equal(new KvmMmuPageRole(walk[i].Level - 1, 0, Direct: true, SpteAccess.All), child.Role);
        }
    }
}

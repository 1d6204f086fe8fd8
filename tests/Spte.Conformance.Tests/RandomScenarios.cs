using System;
using Spte.Runtime;
using Spte.Runtime.Conformance;
using Spte.Runtime.Memslots;

namespace Spte.Conformance.Tests;

/// <summary>
/// Seeded random VMM scripts over a small window of guest-physical space, and one above 4 GiB
/// (four slot ids, a few places and sizes), so slots collide, move and vanish under the accesses: every step kind of
/// a <see cref="Scenario"/>, with accesses that straddle pages and slots.
/// </summary>
internal static class RandomScenarios
{
    private static readonly ulong[] Places = [0x10000, 0x12000, 0x14000, 0x18000, 0x20000, 0x21000, 0x1_0000_0000];
    private static readonly ulong[] Sizes = [0, 0x1000, 0x2000, 0x4000];
    private static readonly KvmMemFlags[] Flags = [KvmMemFlags.None, KvmMemFlags.None, KvmMemFlags.LogDirtyPages, KvmMemFlags.ReadOnly, KvmMemFlags.LogDirtyPages | KvmMemFlags.ReadOnly];
    private static readonly KvmDirtyLogManualProtect[] Protect = [KvmDirtyLogManualProtect.None, KvmDirtyLogManualProtect.ManualProtectEnable, KvmDirtyLogManualProtect.ManualProtectEnable | KvmDirtyLogManualProtect.InitiallySet];
    private static readonly int[] ClearPages = [1, 2, 4, 64];
    private static readonly ulong[] MemoryOffsets = [0, 0x1000, 0x4000, 0x7000];
    private static readonly int[] AccessSizes = [1, 2, 4, 8];
    private static readonly ulong[] Offsets = [0, 8, 0x800, 0xFF8, 0xFFC, 0xFFE, 0xFFF];

    public static Scenario Generate(int seed, int steps)
    {
        var random = new Random(seed);
        // Two slots to start with, one logging, so most scripts reach RAM before their slot changes collide.
        var scenario = Scenario.Named($"random {seed}").Slot(0, 0x10000, 0x4000).Slot(1, 0x18000, 0x4000, KvmMemFlags.LogDirtyPages).MapMemory(0, 0x8000);
        for (var i = 0; i < steps; i++)
        {
            scenario = random.Next(15) switch
            {
                12 => scenario.SlotOn((uint)random.Next(4), Pick(random, Places), Pick(random, Sizes), 0, Pick(random, MemoryOffsets), Pick(random, Flags)),
                13 => scenario.MemoryWrite(0, Pick(random, MemoryOffsets) + Pick(random, Offsets), (ulong)random.NextInt64(), Pick(random, AccessSizes)),
                14 => scenario.MemoryRead(0, Pick(random, MemoryOffsets) + Pick(random, Offsets), Pick(random, AccessSizes)),
                10 => scenario.ManualProtect(Pick(random, Protect)),
                11 => scenario.ClearDirtyLog((uint)random.Next(3), 0, (uint)Pick(random, ClearPages), (ulong)random.Next(16)),
                0 or 1 => scenario.Slot((uint)random.Next(4), Pick(random, Places), Pick(random, Sizes), Pick(random, Flags)),
                2 => scenario.HostWrite(Address(random), (ulong)random.NextInt64(), Pick(random, AccessSizes)),
                3 => scenario.HostRead(Address(random), Pick(random, AccessSizes)),
                4 => scenario.DirtyLog((uint)random.Next(5)),
                _ => scenario.Guest(Accesses(random)),
            };
        }

        return scenario;
    }

    private static GuestAccess[] Accesses(Random random)
    {
        var accesses = new GuestAccess[random.Next(1, 5)];
        for (var i = 0; i < accesses.Length; i++)
        {
            var size = Pick(random, AccessSizes);
            accesses[i] = random.Next(2) == 0
                ? GuestAccess.Read(Address(random), size)
                : GuestAccess.Write(Address(random), (ulong)random.NextInt64() & (size == 8 ? ulong.MaxValue : (1UL << (8 * size)) - 1), size);
        }

        return accesses;
    }

    /// <summary>An address in the window: a page of it, at an offset that is often near the page's end.</summary>
    private static ulong Address(Random random) => (random.Next(8) == 0 ? 0x1_0000_0000UL : 0x10000UL) + ((ulong)random.Next(0x15) << 12) + Pick(random, Offsets);

    private static T Pick<T>(Random random, T[] from) => from[random.Next(from.Length)];
}

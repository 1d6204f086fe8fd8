using System;
using System.Collections.Generic;
using System.Linq;
using Spte.Runtime.Memslots;

namespace Spte.Runtime.Conformance;

/// <summary>
/// A script of what a VMM does — memslot changes, guest accesses, host accesses, dirty-log calls
/// — written once and run on any backend (<see cref="ScenarioRunner"/>), so the simulated host
/// can be held to the machine's real KVM line by line. Built fluently; immutable.
/// </summary>
public sealed class Scenario
{
    private readonly ScenarioStep[] _steps;

    private Scenario(string name, ScenarioStep[] steps, string? mmuDependent)
    {
        Name = name;
        _steps = steps;
        MmuDependent = mmuDependent;
    }

    /// <summary>What the scenario shows.</summary>
    public string Name { get; }

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<ScenarioStep> Steps => _steps;

    /// <summary>
    /// Why the result depends on the MMU behind KVM (a host whose KVM emulates every access has
    /// no SPTEs to dirty on a read, say), or null: then both backends must log the same lines.
    /// </summary>
    public string? MmuDependent { get; }

    /// <summary>A scenario with no steps.</summary>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    public static Scenario Named(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new Scenario(name, [], null);
    }

    /// <summary>The value userspace answers an MMIO read of <paramref name="len"/> bytes at <paramref name="gpa"/> with: distinct per address, so a log shows which read got which answer.</summary>
    public static ulong MmioAnswer(ulong gpa, int len) =>
        ((gpa * 0x9E37_79B9_7F4A_7C15UL) ^ 0xA5A5_5A5A_C3C3_3C3CUL) & (len >= 8 ? ulong.MaxValue : (1UL << (8 * len)) - 1);

    /// <summary>Sets slot <paramref name="slot"/> (size 0 deletes it).</summary>
    public Scenario Slot(uint slot, ulong gpa, ulong size, KvmMemFlags flags = KvmMemFlags.None) => With(new SetSlotStep(slot, gpa, size, flags));

    /// <summary>The guest makes <paramref name="accesses"/>, then halts.</summary>
    /// <exception cref="ArgumentException">No access given.</exception>
    public Scenario Guest(params GuestAccess[] accesses)
    {
        ArgumentNullException.ThrowIfNull(accesses);
        return accesses.Length == 0
            ? throw new ArgumentException("A guest step makes at least one access.", nameof(accesses))
            : With(new GuestStep([.. accesses]));
    }

    /// <summary>The VMM stores <paramref name="size"/> bytes of <paramref name="value"/> at <paramref name="gpa"/>.</summary>
    public Scenario HostWrite(ulong gpa, ulong value, int size = 8) => With(new HostWriteStep(gpa, value, CheckSize(size)));

    /// <summary>The VMM loads <paramref name="size"/> bytes at <paramref name="gpa"/>.</summary>
    public Scenario HostRead(ulong gpa, int size = 8) => With(new HostReadStep(gpa, CheckSize(size)));

    /// <summary>The VMM fetches and clears slot <paramref name="slot"/>'s dirty bitmap.</summary>
    public Scenario DirtyLog(uint slot) => With(new DirtyLogStep(slot));

    /// <summary>The VMM maps <paramref name="size"/> bytes of anonymous memory, named <paramref name="memory"/> in later steps.</summary>
    public Scenario MapMemory(int memory, ulong size) => With(new MapMemoryStep(memory, size));

    /// <summary>Sets slot <paramref name="slot"/> on the VMM's memory <paramref name="memory"/> from <paramref name="offset"/> (size 0 deletes it).</summary>
    public Scenario SlotOn(uint slot, ulong gpa, ulong size, int memory, ulong offset, KvmMemFlags flags = KvmMemFlags.None) => With(new SetSlotOnStep(slot, gpa, size, flags, memory, offset));

    /// <summary>The VMM stores <paramref name="size"/> bytes of <paramref name="value"/> at <paramref name="offset"/> of its memory <paramref name="memory"/>.</summary>
    public Scenario MemoryWrite(int memory, ulong offset, ulong value, int size = 8) => With(new MemoryWriteStep(memory, offset, value, CheckSize(size)));

    /// <summary>The VMM loads <paramref name="size"/> bytes at <paramref name="offset"/> of its memory <paramref name="memory"/>.</summary>
    public Scenario MemoryRead(int memory, ulong offset, int size = 8) => With(new MemoryReadStep(memory, offset, CheckSize(size)));

    /// <summary>The VMM sets the dirty log's manual-protect mode.</summary>
    public Scenario ManualProtect(KvmDirtyLogManualProtect options) => With(new ManualProtectStep(options));

    /// <summary>The VMM clears the pages whose bits are set in <paramref name="bitmap"/> from slot <paramref name="slot"/>'s dirty log.</summary>
    public Scenario ClearDirtyLog(uint slot, ulong firstPage, uint numPages, params ulong[] bitmap)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        return With(new ClearDirtyLogStep(slot, firstPage, numPages, [.. bitmap]));
    }

    /// <summary>Marks the scenario's result as depending on the MMU behind KVM, with the reason.</summary>
    public Scenario DependsOnMmu(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new Scenario(Name, _steps, reason);
    }

    /// <summary>The scenario without step <paramref name="index"/> (how a failing random scenario is shrunk).</summary>
    /// <exception cref="ArgumentOutOfRangeException">There is no such step.</exception>
    public Scenario WithoutStep(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _steps.Length);
        return new Scenario(Name, [.. _steps[..index], .. _steps[(index + 1)..]], MmuDependent);
    }

    /// <summary>The C# that builds this scenario, ready to paste into the suite.</summary>
    public override string ToString() =>
        $"Scenario.Named(\"{Name}\"){(MmuDependent is null ? string.Empty : $".DependsOnMmu(\"{MmuDependent}\")")}{string.Concat(_steps.Select(s => $"\n    {s}"))}";

    private Scenario With(ScenarioStep step) => new(Name, [.. _steps, step], MmuDependent);

    private static int CheckSize(int size) =>
        size is 1 or 2 or 4 or 8 ? size : throw new ArgumentOutOfRangeException(nameof(size), size, "A host access is 1, 2, 4 or 8 bytes.");
}

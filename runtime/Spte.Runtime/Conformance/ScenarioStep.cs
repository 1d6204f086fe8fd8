using System.Collections.Generic;
using System.Linq;
using Spte.Runtime.Memslots;

namespace Spte.Runtime.Conformance;

/// <summary>One VMM action of a <see cref="Scenario"/>; <see cref="ToString"/> is the C# that adds it to a scenario builder.</summary>
public abstract record ScenarioStep;

/// <summary><c>KVM_SET_USER_MEMORY_REGION</c> with memory the backend maps.</summary>
public sealed record SetSlotStep(uint Slot, ulong Gpa, ulong Size, KvmMemFlags Flags) : ScenarioStep
{
    /// <inheritdoc/>
    public override string ToString() => $".Slot({Slot}, 0x{Gpa:X}, 0x{Size:X}{(Flags == KvmMemFlags.None ? string.Empty : $", {FlagsText(Flags)}")})";

    private static string FlagsText(KvmMemFlags flags) =>
        string.Join(" | ", new[] { KvmMemFlags.LogDirtyPages, KvmMemFlags.ReadOnly }.Where(f => flags.HasFlag(f)).Select(f => $"KvmMemFlags.{f}")
            .Append((flags & ~(KvmMemFlags.LogDirtyPages | KvmMemFlags.ReadOnly)) is var rest && rest != 0 ? $"(KvmMemFlags)0x{(uint)rest:X}" : null)
            .Where(s => s is not null));
}

/// <summary>The guest makes <see cref="Accesses"/> on vCPU 0, run until it halts; MMIO reads are answered with <see cref="Scenario.MmioAnswer"/>.</summary>
public sealed record GuestStep(IReadOnlyList<GuestAccess> Accesses) : ScenarioStep
{
    /// <inheritdoc/>
    public override string ToString() => $".Guest({string.Join(", ", Accesses.Select(Text))})";

    private static string Text(GuestAccess a) => a.Kind == Hardware.GuestAccessKind.Write
        ? $"GuestAccess.Write(0x{a.Gpa:X}, 0x{a.Value:X}, {a.Size})"
        : $"GuestAccess.Read(0x{a.Gpa:X}, {a.Size})";
}

/// <summary>The VMM writes <see cref="Size"/> bytes of <see cref="Value"/> through its mapping.</summary>
public sealed record HostWriteStep(ulong Gpa, ulong Value, int Size) : ScenarioStep
{
    /// <inheritdoc/>
    public override string ToString() => $".HostWrite(0x{Gpa:X}, 0x{Value:X}, {Size})";
}

/// <summary>The VMM reads <see cref="Size"/> bytes through its mapping.</summary>
public sealed record HostReadStep(ulong Gpa, int Size) : ScenarioStep
{
    /// <inheritdoc/>
    public override string ToString() => $".HostRead(0x{Gpa:X}, {Size})";
}

/// <summary><c>KVM_GET_DIRTY_LOG</c>.</summary>
public sealed record DirtyLogStep(uint Slot) : ScenarioStep
{
    /// <inheritdoc/>
    public override string ToString() => $".DirtyLog({Slot})";
}

/// <summary><c>KVM_ENABLE_CAP(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2)</c>.</summary>
public sealed record ManualProtectStep(KvmDirtyLogManualProtect Options) : ScenarioStep
{
    /// <inheritdoc/>
    public override string ToString() => $".ManualProtect((KvmDirtyLogManualProtect){(ulong)Options})";
}

/// <summary><c>KVM_CLEAR_DIRTY_LOG</c>.</summary>
public sealed record ClearDirtyLogStep(uint Slot, ulong FirstPage, uint NumPages, IReadOnlyList<ulong> Bitmap) : ScenarioStep
{
    /// <inheritdoc/>
    public override string ToString() => $".ClearDirtyLog({Slot}, {FirstPage}, {NumPages}{string.Concat(Bitmap.Select(w => $", 0x{w:X}"))})";
}

/// <summary>The VMM maps anonymous memory <see cref="Memory"/> of <see cref="Size"/> bytes.</summary>
public sealed record MapMemoryStep(int Memory, ulong Size) : ScenarioStep
{
    /// <inheritdoc/>
    public override string ToString() => $".MapMemory({Memory}, 0x{Size:X})";
}

/// <summary><c>KVM_SET_USER_MEMORY_REGION</c> with the VMM's memory <see cref="Memory"/> at <see cref="Offset"/>.</summary>
public sealed record SetSlotOnStep(uint Slot, ulong Gpa, ulong Size, KvmMemFlags Flags, int Memory, ulong Offset) : ScenarioStep
{
    /// <inheritdoc/>
    public override string ToString() => $".SlotOn({Slot}, 0x{Gpa:X}, 0x{Size:X}, {Memory}, 0x{Offset:X}{(Flags == KvmMemFlags.None ? string.Empty : $", (KvmMemFlags){(uint)Flags}")})";
}

/// <summary>The VMM stores through its mapping <see cref="Memory"/>.</summary>
public sealed record MemoryWriteStep(int Memory, ulong Offset, ulong Value, int Size) : ScenarioStep
{
    /// <inheritdoc/>
    public override string ToString() => $".MemoryWrite({Memory}, 0x{Offset:X}, 0x{Value:X}, {Size})";
}

/// <summary>The VMM loads through its mapping <see cref="Memory"/>.</summary>
public sealed record MemoryReadStep(int Memory, ulong Offset, int Size) : ScenarioStep
{
    /// <inheritdoc/>
    public override string ToString() => $".MemoryRead({Memory}, 0x{Offset:X}, {Size})";
}

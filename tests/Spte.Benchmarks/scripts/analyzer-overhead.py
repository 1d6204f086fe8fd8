#!/usr/bin/env python3
"""Writes the analyzer-overhead project: about LINES lines of MMU-like C# over two formats.

Used by analyzer-overhead.sh. The code is correct by the SPTE1xxx rules (the build reports no
SPTE warning), so the analyzers pay their full cost (every entry store, fill, allocation and
comparison is examined) without reporting. Two formats like the runtime's: EptSpte, whose
non-present value is not zero, and NptSpte, whose is.
   usage: analyzer-overhead.py DIR LINES ANNOTATIONS_DLL GENERATOR_DLL ANALYZERS_DLL
"""
import os
import sys

FORMATS = '''using Spte;

namespace Overhead;

public enum TdpAdType : byte { Accessed = 0, Dirty = 1, Both = 2, Disabled = 3 }

/// <summary>EPT-like: non-present value has suppress-#VE (bit 63) set.</summary>
[SpteFormat(NonPresentValue = 1UL << 63)]
[SpecialValue("Frozen", (1UL << 63) | 0x5a0)]
[Mask("VmxEptRwx", 0x7)]
[Disjoint("NonPresent", "Present")]
[Disjoint("Frozen", "Present")]
[Disjoint("Frozen", "Pfn")]
public readonly partial struct EptSpte
{
    [Bit(0)] public partial bool Readable { get; }
    [Bit(1)] public partial bool Writable { get; }
    [Bit(2)] public partial bool Executable { get; }
    [Bit(11), Present] public partial bool MmuPresent { get; }
    [Bits(12, 51)] public partial ulong Pfn { get; }
    [Bit(63)] public partial bool SuppressVe { get; }

    [SpteView]
    public readonly partial struct Leaf
    {
        [Bits(3, 5)] public partial byte MemoryType { get; }
        [Bit(8)] public partial bool Accessed { get; }
        [Bit(9)] public partial bool Dirty { get; }
        [Bits(52, 53)] public partial TdpAdType AdType { get; }
        [Bit(57)] public partial bool HostWritable { get; }
        [Bit(58)] public partial bool MmuWritable { get; }
    }

    [SpteView]
    public readonly partial struct Mmio
    {
        [Bits(3, 10), Bits(52, 62)] public partial uint Generation { get; }
    }
}

/// <summary>NPT-like: non-present value zero.</summary>
[SpteFormat(NonPresentValue = 0)]
[SpecialValue("Frozen", 0x5a0)]
[Disjoint("Frozen", "Present")]
[Disjoint("Frozen", "Pfn")]
public readonly partial struct NptSpte
{
    [Bit(0)] public partial bool PagePresent { get; }
    [Bit(1)] public partial bool Writable { get; }
    [Bit(2)] public partial bool User { get; }
    [Bit(11), Present] public partial bool MmuPresent { get; }
    [Bits(12, 51)] public partial ulong Pfn { get; }
    [Bit(63)] public partial bool NoExecute { get; }

    [SpteView]
    public readonly partial struct Leaf
    {
        [Bit(5)] public partial bool Accessed { get; }
        [Bit(6)] public partial bool Dirty { get; }
        [Bit(9)] public partial bool HostWritable { get; }
        [Bit(10)] public partial bool MmuWritable { get; }
    }

    [SpteView]
    public readonly partial struct Mmio
    {
        [Bits(3, 10), Bits(52, 62)] public partial uint Generation { get; }
    }
}
'''

# Method templates; {F} is the format, {n} a unique number. Each is realistic MMU work and
# correct by SPTE1001..1003: stores use NonPresent/NonPresentValue, tests use IsPresent.
TEMPLATES = [
'''    public ulong Walk{n}(ulong gfn)
    {
        {F}[] table = _root;
        for (int level = 3; level >= 0; level--)
        {
            int index = (int)((gfn >> (9 * level + 12)) & 511);
            {F} entry = table[index];
            if (!entry.IsPresent)
            {
                return ulong.MaxValue;
            }

            if (level == 0)
            {
                return entry.Pfn;
            }

            table = _tables[(int)(entry.Pfn & 63)];
        }

        return ulong.MaxValue;
    }
''',
'''    public void Map{n}({F}[] table, int index, ulong pfn, bool writable)
    {
        {F} leaf = {F}.NonPresent.WithMmuPresent(true).WithPfn(pfn & {F}.PfnMax).WithWritable(writable);
        table[index & 511] = leaf;
        _slots[index & 511] = leaf.Raw;
        _last = leaf.Raw;
    }
''',
'''    public int Zap{n}(int start, int count)
    {
        int zapped = 0;
        for (int i = start; i < start + count && i < _slots.Length; i++)
        {
            if ({F}.FromRaw(_slots[i]).IsPresent)
            {
                _slots[i] = {F}.NonPresentValue;
                zapped++;
            }
        }

        return zapped;
    }
''',
'''    public void ClearRange{n}(int from, int to)
    {
        ulong* pt = _pt;
        ulong* end = pt + to;
        for (ulong* p = pt + from; p < end; p++)
        {
            *p = {F}.NonPresentValue;
        }

        Span<ulong> span = new Span<ulong>(_pt, 512);
        span.Slice(from, to - from).Fill({F}.NonPresentValue);
    }
''',
'''    public {F}[] Alloc{n}(int slot)
    {
        {F}[] table = {F}.NewTable(512);
        table.AsSpan(0, 256).Fill({F}.NonPresent);
        _tables[slot & 63] = table;
        return table;
    }
''',
'''    public static int CountPresent{n}<T>(ReadOnlySpan<T> table)
        where T : struct, ISpte<T>
    {
        int count = 0;
        foreach (T entry in table)
        {
            if (entry.IsPresent)
            {
                count++;
            }
        }

        return count;
    }
''',
'''    public static void Reset{n}<T>(Span<T> table, int from)
        where T : struct, ISpte<T>
    {
        table.Slice(from).Fill(T.NonPresent);
        if (table.Length > 0 && !table[0].IsPresent)
        {
            table[0] = T.FromRaw(T.NonPresentValue);
        }
    }
''',
'''    public bool TestAndClearAge{n}(int i)
    {
        {F} spte = {F}.FromRaw(_slots[i & 511]);
        if (!spte.IsPresent)
        {
            return false;
        }

        {F}.Leaf leaf = spte.AsLeaf;
        if (!leaf.Accessed)
        {
            return false;
        }

        _slots[i & 511] = (({F})leaf.WithAccessed(false)).Raw;
        return true;
    }
''',
'''    public void WriteProtect{n}(int i)
    {
        ref ulong sptep = ref _slots[i & 511];
        {F} old = {F}.FromRaw(sptep);
        if (old.IsPresent && old.Writable)
        {
            sptep = old.WithWritable(false).Raw;
        }
        else if (!old.IsPresent)
        {
            sptep = {F}.NonPresentValue;
        }
    }
''',
'''    public string Describe{n}(int i)
    {
        {F} e = {F}.FromRaw(_slots[i & 511]);
        if (e.IsFrozen)
        {
            return "frozen";
        }

        return e.IsPresent ? e.ToString() : "-";
    }
''',
'''    [return: SpteSlot(typeof({F}))]
    public ulong Exchange{n}(int i, [SpteSlot(typeof({F}))] ulong value)
    {
        ulong old = _slots[i & 511];
        _slots[i & 511] = value;
        return {F}.FromRaw(old).IsPresent ? old : {F}.NonPresentValue;
    }
''',
'''    public int ZapTable{n}()
    {
        int zapped = 0;
        for (int i = 0; i < _root.Length; i++)
        {
            {F} entry = _root[i];
            if (entry.IsPresent && entry.AsLeaf.Dirty)
            {
                _root[i] = {F}.NonPresent;
                zapped++;
            }
            else if (entry.IsFrozen)
            {
                _root[i] = {F}.Frozen;
            }
        }

        return zapped;
    }
''',
'''    public void InstallMmio{n}(int i, uint generation)
    {
        {F}.Mmio mmio = {F}.Mmio.FromRaw({F}.NonPresentValue).WithGeneration(generation & 0x7FFFF);
        {F} spte = mmio;
        _slots[i & 511] = spte.Raw;
        Span<ulong> window = new Span<ulong>(_pt + (i & 255), 2);
        window[0] = {F}.NonPresentValue;
        window[1] = spte.IsPresent ? spte.Raw : {F}.NonPresentValue;
    }
''',
]

FILE_HEAD = '''using System;
using System.Runtime.InteropServices;
using Spte;

namespace Overhead;

/// <summary>A slice of MMU-like code over <see cref="{F}"/>.</summary>
public sealed unsafe class {F}Mmu{k} : IDisposable
{
    [SpteSlot(typeof({F}))] private readonly ulong[] _slots;
    [SpteSlot(typeof({F}))] private readonly ulong* _pt;
    [SpteSlot(typeof({F}))] private ulong _last = {F}.NonPresentValue;
    private readonly {F}[] _root = {F}.NewTable(512);
    private readonly {F}[][] _tables = new {F}[64][];

    public {F}Mmu{k}()
    {
        _slots = new ulong[512];
        Array.Fill(_slots, {F}.NonPresentValue);
        _pt = (ulong*)NativeMemory.Alloc(512, sizeof(ulong));
        new Span<ulong>(_pt, 512).Fill({F}.NonPresentValue);
        for (int i = 0; i < _tables.Length; i++)
        {
            _tables[i] = {F}.NewTable(512);
        }
    }

    public ulong Last => _last;

    public void Dispose() => NativeMemory.Free(_pt);

'''


def main():
    out, lines = sys.argv[1], int(sys.argv[2])
    annotations, generator, analyzers = sys.argv[3:6]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'Formats.cs'), 'w') as f:
        f.write(FORMATS)
    total = FORMATS.count('\n')
    k = 0
    n = 0
    methods_per_file = 26
    while total < lines:
        fmt = 'EptSpte' if k % 2 == 0 else 'NptSpte'
        parts = [FILE_HEAD.replace('{F}', fmt).replace('{k}', str(k))]
        for m in range(methods_per_file):
            t = TEMPLATES[(k + m) % len(TEMPLATES)]
            parts.append(t.replace('{F}', fmt).replace('{n}', str(n)))
            parts.append('\n')
            n += 1
        text = ''.join(parts).rstrip('\n') + '\n}\n'
        with open(os.path.join(out, f'{fmt}Mmu{k}.cs'), 'w') as f:
            f.write(text)
        total += text.count('\n')
        k += 1
    # WithAnalyzers=true adds the SPTE1xxx analyzers (SpteAnalyzers=path picks another build of
    # them); everything else is the same.
    csproj = f'''<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>disable</ImplicitUsings>
    <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
    <OutputType>Library</OutputType>
    <SpteAnalyzers Condition="'$(SpteAnalyzers)' == ''">{analyzers}</SpteAnalyzers>
  </PropertyGroup>
  <ItemGroup>
    <Reference Include="{annotations}" />
    <Analyzer Include="{generator}" />
    <Analyzer Include="$(SpteAnalyzers)" Condition="'$(WithAnalyzers)' == 'true'" />
  </ItemGroup>
</Project>
'''
    with open(os.path.join(out, 'Overhead.csproj'), 'w') as f:
        f.write(csproj)
    print(f'{out}: {k} files + Formats.cs, {total} lines, {n} methods')


if __name__ == '__main__':
    main()

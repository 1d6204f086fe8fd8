using System;
using Xunit;

namespace Spte.Generator.Tests;

/// <summary>The generated EPT leaf format, executed: KVM's SHADOW_NONPRESENT_VALUE and FROZEN_SPTE.</summary>
[Collection(CompiledKvmFormatsCollection.Name)]
public sealed class EptBehaviourTests(CompiledKvmFormats formats)
{
    private const ulong SuppressVe = 1UL << 63;

    private readonly dynamic _ept = formats.Static("Kvm.Ept.EptLeafSpte");

    private dynamic WriteBack => formats.Enum("Kvm.Ept.EptMemoryType", 6);

    [Fact]
    public void Constants_are_the_kvm_masks()
    {
        Assert.Equal(SuppressVe, (ulong)_ept.NonPresentValue);
        Assert.Equal(0x800UL, (ulong)_ept.PresentMask);
        Assert.Equal(0UL, (ulong)_ept.ReservedMask);
        Assert.Equal(0x80000000000005A0UL, (ulong)_ept.FrozenValue);
        Assert.Equal(0x000FFFFFFFFFF000UL, (ulong)_ept.PfnMask);
        Assert.Equal(12, (int)_ept.PfnShift);
        Assert.Equal(0xFFFFFFFFFFUL, (ulong)_ept.PfnMax);
        Assert.Equal(0x38UL, (ulong)_ept.MemoryTypeMask);
        Assert.Equal(3, (int)_ept.MemoryTypeShift);
        Assert.Equal(7UL, (ulong)_ept.MemoryTypeMax);
        Assert.Equal(0x8000000000000000UL, (ulong)_ept.SuppressVeMask);
        Assert.Equal(1UL, (ulong)_ept.SuppressVeMax);
    }

    [Fact]
    public void With_builds_the_exact_raw_value()
    {
        var spte = _ept.FromRaw(0UL).WithReadable(true).WithWritable(true).WithMemoryType(WriteBack).WithMmuPresent(true).WithPfn(0x1234UL);

        Assert.Equal(0x1234833UL, (ulong)spte.Raw);
        Assert.Equal(0x1234UL, (ulong)spte.Pfn);
        Assert.Equal(WriteBack, (object)spte.MemoryType);
        Assert.True((bool)spte.Readable);
        Assert.False((bool)spte.Executable);
    }

    [Fact]
    public void With_changes_only_its_own_bits()
    {
        var all = _ept.FromRaw(ulong.MaxValue);

        Assert.Equal(~0x000FFFFFFFFFF000UL, (ulong)all.WithPfn(0UL).Raw);
        Assert.Equal(~0x38UL | (4UL << 3), (ulong)all.WithMemoryType(formats.Enum("Kvm.Ept.EptMemoryType", 4)).Raw);
        Assert.Equal(~0x800UL, (ulong)all.WithMmuPresent(false).Raw);
        Assert.Equal(ulong.MaxValue, (ulong)all.WithPfn(0xFFFFFFFFFFUL).Raw);
    }

    [Theory]
    [InlineData(0x0UL)]
    [InlineData(0x1UL)]
    [InlineData(0x123456789UL)]
    [InlineData(0xFFFFFFFFFFUL)]
    public void Pfn_round_trips(ulong pfn)
    {
        var spte = _ept.FromRaw(0x8000000000000FFFUL).WithPfn(pfn);

        Assert.Equal(pfn, (ulong)spte.Pfn);
        Assert.Equal(0x8000000000000FFFUL | (pfn << 12), (ulong)spte.Raw);
    }

    [Fact]
    public void With_a_value_that_does_not_fit_throws()
    {
        var spte = _ept.FromRaw(0UL);

        var pfn = Assert.Throws<ArgumentOutOfRangeException>(() => spte.WithPfn(0x10000000000UL));
        Assert.Equal("value", pfn.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => spte.WithPfn(ulong.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => spte.WithMemoryType(formats.Enum("Kvm.Ept.EptMemoryType", 8)));
    }

    [Fact]
    public void Presence_is_the_mmu_present_bit_only()
    {
        Assert.False((bool)_ept.NonPresent.IsPresent);
        Assert.False((bool)_ept.Frozen.IsPresent);
        Assert.False((bool)_ept.FromRaw(0x7UL).IsPresent);
        Assert.True((bool)_ept.FromRaw(0x800UL).IsPresent);
        Assert.True((bool)_ept.NonPresent.WithMmuPresent(true).IsPresent);
    }

    [Fact]
    public void New_table_is_filled_with_the_non_present_value()
    {
        object table = _ept.NewTable(512);

        Assert.Equal(512, CompiledKvmFormats.Raws(table).Length);
        Assert.All(CompiledKvmFormats.Raws(table), raw => Assert.Equal(SuppressVe, raw));
        Assert.All(CompiledKvmFormats.Entries(table), entry => Assert.Equal((object)_ept.NonPresent, entry));
        Assert.Empty(CompiledKvmFormats.Entries(_ept.NewTable(0)));
    }

    [Fact]
    public void New_table_of_negative_size_throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _ept.NewTable(-1));

        Assert.Equal("entries", error.ParamName);
    }

    [Fact]
    public void Special_value_is_named_and_recognised()
    {
        Assert.Equal(0x80000000000005A0UL, (ulong)_ept.Frozen.Raw);
        Assert.True((bool)_ept.Frozen.IsFrozen);
        Assert.False((bool)_ept.NonPresent.IsFrozen);
        Assert.False((bool)_ept.FromRaw(0x5A0UL).IsFrozen);
    }

    [Fact]
    public void Equality_is_by_raw_value()
    {
        var type = formats.Type("Kvm.Ept.EptLeafSpte");
        var a = _ept.FromRaw(0x1234UL);
        var b = _ept.FromRaw(0x1234UL);
        var c = _ept.FromRaw(0x1235UL);

        Assert.True((bool)a.Equals(b));
        Assert.False((bool)a.Equals(c));
        Assert.False((bool)a.Equals((object)0x1234UL));
        Assert.Equal((int)a.GetHashCode(), (int)b.GetHashCode());
        Assert.True((bool)type.GetMethod("op_Equality")!.Invoke(null, [a, b])!);
        Assert.True((bool)type.GetMethod("op_Inequality")!.Invoke(null, [a, c])!);
    }

    [Fact]
    public void ToString_names_non_present_and_special_values()
    {
        Assert.Equal("EptLeafSpte.NonPresent (0x8000000000000000)", (string)_ept.NonPresent.ToString());
        Assert.Equal("EptLeafSpte.Frozen (0x80000000000005A0)", (string)_ept.Frozen.ToString());
    }

    [Fact]
    public void ToString_lists_set_flags_and_non_zero_fields()
    {
        var spte = _ept.FromRaw(0x1234833UL);

        Assert.Equal("EptLeafSpte 0x0000000001234833 { Readable, Writable, MemoryType = WriteBack, MmuPresent, Pfn = 0x1234 }", (string)spte.ToString());
        Assert.Equal("EptLeafSpte 0x0000000000000000 { }", (string)_ept.FromRaw(0UL).ToString());
    }
}

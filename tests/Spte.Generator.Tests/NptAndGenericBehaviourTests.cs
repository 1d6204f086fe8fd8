using System;
using Spte.Generator.Tests.Infrastructure;
using Xunit;

namespace Spte.Generator.Tests;

/// <summary>The NPT format (non-present value 0), the nested format, and generic code over <see cref="ISpte{T}"/>.</summary>
[Collection(CompiledKvmFormatsCollection.Name)]
public sealed class NptAndGenericBehaviourTests(CompiledKvmFormats formats)
{
    private readonly dynamic _npt = formats.Static("Kvm.Npt.NptSpte");
    private readonly dynamic _driver = formats.Static("Kvm.Test.Driver");

    [Fact]
    public void Npt_non_present_value_is_zero_and_a_new_table_is_all_zero()
    {
        Assert.Equal(0UL, (ulong)_npt.NonPresentValue);
        ulong[] table = CompiledKvmFormats.Raws(_npt.NewTable(512));

        Assert.Equal(512, table.Length);
        Assert.All(table, raw => Assert.Equal(0UL, raw));
        Assert.Throws<ArgumentOutOfRangeException>(() => _npt.NewTable(-1));
    }

    [Fact]
    public void Npt_with_builds_the_exact_raw_value()
    {
        var spte = _npt.NonPresent.WithPagePresent(true).WithWritable(true).WithMmuPresent(true).WithPfn(0xABCDEUL).WithNoExecute(true);

        Assert.Equal(0x80000000ABCDE803UL, (ulong)spte.Raw);
        Assert.True((bool)spte.IsPresent);
        Assert.False((bool)_npt.FromRaw(0x1UL).IsPresent);
        Assert.Equal("NptSpte.NonPresent (0x0000000000000000)", (string)_npt.NonPresent.ToString());
        Assert.Equal("NptSpte 0x80000000ABCDE803 { PagePresent, Writable, MmuPresent, Pfn = 0xABCDE, NoExecute }", (string)spte.ToString());
    }

    [Fact]
    public void Nested_format_works_inside_its_containing_types()
    {
        var spte = formats.Static("Kvm.Nested.Mmu+Tdp+Spte");
        ulong[] table = CompiledKvmFormats.Raws(spte.NewTable(2));

        Assert.Equal([1UL << 63, 1UL << 63], table);
        Assert.Equal("Spte 0x8000000000001800 { MmuPresent, Pfn = 0x1 }", (string)spte.NonPresent.WithMmuPresent(true).WithPfn(1UL).ToString());
    }

    [Theory]
    [InlineData("Kvm.Ept.EptLeafSpte")]
    [InlineData("Kvm.Npt.NptSpte")]
    [InlineData("Kvm.Mmio.MmioSpte")]
    [InlineData("Kvm.Ept.EptSpte")]
    [InlineData("Kvm.Nested.Mmu+Tdp+Spte")]
    [InlineData("Kvm.Test.SignedSpte")]
    [InlineData("Kvm.Test.WideSpte")]
    public void Every_format_implements_ISpte_of_itself(string format)
    {
        var type = formats.Type(format);

        Assert.True(typeof(ISpte<>).MakeGenericType(type).IsAssignableFrom(type));
        Assert.True(typeof(IEquatable<>).MakeGenericType(type).IsAssignableFrom(type));
    }

    [Fact]
    public void Generic_code_over_ISpte_gets_each_format_s_non_present_table()
    {
        ulong[] ept = _driver.EptTable(512);
        ulong[] npt = _driver.NptTable(512);

        Assert.Equal(512, ept.Length);
        Assert.All(ept, raw => Assert.Equal(1UL << 63, raw));
        Assert.Equal(512, npt.Length);
        Assert.All(npt, raw => Assert.Equal(0UL, raw));
        Assert.Throws<ArgumentOutOfRangeException>(() => _driver.EptTable(-1));
    }

    [Fact]
    public void Generic_code_over_ISpte_sees_the_format_s_constants_and_presence()
    {
        Assert.Equal((1UL << 63, 0x800UL, false, true), ((ulong, ulong, bool, bool))_driver.DescribeEpt(1UL << 63));
        Assert.Equal((1UL << 63, 0x800UL, true, false), ((ulong, ulong, bool, bool))_driver.DescribeEpt(0x800UL));
        Assert.Equal((0UL, 0x800UL, false, true), ((ulong, ulong, bool, bool))_driver.DescribeNpt(0UL));
        Assert.Equal((0UL, 0x800UL, false, false), ((ulong, ulong, bool, bool))_driver.DescribeNpt(1UL));
    }

    [Fact]
    public void Generated_text_is_the_same_under_an_exotic_culture()
    {
        var ept = formats.Static("Kvm.Ept.EptLeafSpte");
        var views = formats.Static("Kvm.Ept.EptSpte+NonLeaf");
        var signed = formats.Static("Kvm.Test.SignedSpte");
        Assert.NotEqual("-5", (-5).ToString(ExoticCulture.Culture));

        var texts = ExoticCulture.Run(() => new[]
        {
            (string)ept.NonPresent.ToString(),
            (string)ept.Frozen.ToString(),
            (string)ept.FromRaw(0x1234833UL).ToString(),
            (string)views.FromRaw(0x0001000000000808UL).ToString(),
            (string)signed.FromRaw(0xFEC000000000007FUL).ToString(),
        });

        Assert.Equal(
            [
                "EptLeafSpte.NonPresent (0x8000000000000000)",
                "EptLeafSpte.Frozen (0x80000000000005A0)",
                "EptLeafSpte 0x0000000001234833 { Readable, Writable, MemoryType = WriteBack, MmuPresent, Pfn = 0x1234 }",
                "EptSpte.NonLeaf 0x0001000000000808 { MmuPresent, reserved bits set 0x1000000000008 }",
                "SignedSpte 0xFEC000000000007F { Small = 0x7F, Valid, Priority = High, Tail = 0x3F }",
            ],
            texts);
    }

    [Fact]
    public void Out_of_range_message_names_the_field_and_its_largest_value_under_an_exotic_culture()
    {
        var ept = formats.Static("Kvm.Ept.EptLeafSpte");

        var message = ExoticCulture.Run(() => Assert.Throws<ArgumentOutOfRangeException>(() => ept.NonPresent.WithPfn(0x10000000000UL)).Message);

        Assert.StartsWith("Value 0x10000000000 does not fit field Pfn, whose largest value is 0xffffffffff.", (string)message, StringComparison.Ordinal);
    }
}

using System;
using Xunit;

namespace Spte.Generator.Tests;

/// <summary>Signed integer and signed-enum fields: only non-negative values that fit are accepted.</summary>
[Collection(CompiledKvmFormatsCollection.Name)]
public sealed class SignedBehaviourTests(CompiledKvmFormats formats)
{
    private readonly dynamic _signed = formats.Static("Kvm.Test.SignedSpte");
    private readonly dynamic _wide = formats.Static("Kvm.Test.WideSpte");

    private dynamic Priority(long value) => formats.Enum("Kvm.Test.Priority", value);

    [Fact]
    public void Signed_fields_hold_their_largest_positive_values()
    {
        var spte = _signed.FromRaw(0UL).WithSmall((sbyte)127).WithMedium(short.MaxValue).WithLarge(int.MaxValue);

        Assert.Equal((sbyte)127, (sbyte)spte.Small);
        Assert.Equal(short.MaxValue, (short)spte.Medium);
        Assert.Equal(int.MaxValue, (int)spte.Large);
        Assert.Equal(0x003FFFFFFFFFFF7FUL, (ulong)spte.Raw);
    }

    /// <summary>
    /// Valid (bit 54) is read by shifting it into the sign, Large (bits 23..53, an int) by bextr
    /// on this machine (issue 18): each reads its own bits and no other, from every single bit.
    /// </summary>
    [Fact]
    public void A_high_bit_and_a_wide_run_read_only_their_own_bits()
    {
        for (var bit = 0; bit < 64; bit++)
        {
            var spte = _signed.FromRaw(1UL << bit);

            Assert.Equal(bit == 54, (bool)spte.Valid);
            Assert.Equal(bit is >= 23 and <= 53 ? 1 << (bit - 23) : 0, (int)spte.Large);
        }
    }

    [Fact]
    public void Negative_values_are_rejected()
    {
        var spte = _signed.FromRaw(0UL);

        Assert.Throws<ArgumentOutOfRangeException>(() => spte.WithSmall((sbyte)-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => spte.WithMedium((short)-5));
        Assert.Throws<ArgumentOutOfRangeException>(() => spte.WithLarge(int.MinValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => spte.WithPriority(Priority(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => _wide.FromRaw(0UL).WithWide(-1L));
    }

    [Fact]
    public void Enum_field_round_trips_and_rejects_values_wider_than_its_bits()
    {
        var spte = _signed.FromRaw(0UL).WithPriority(Priority(5));

        Assert.Equal(Priority(5), (object)spte.Priority);
        Assert.Equal(5UL << 55, (ulong)spte.Raw);
        Assert.Equal(Priority(7), (object)_signed.FromRaw(7UL << 55).Priority);
        Assert.Throws<ArgumentOutOfRangeException>(() => spte.WithPriority(Priority(8)));
    }

    [Fact]
    public void Unsigned_field_narrower_than_its_type_rejects_the_next_value()
    {
        Assert.Equal((byte)63, (byte)_signed.FromRaw(0UL).WithTail((byte)63).Tail);
        Assert.Throws<ArgumentOutOfRangeException>(() => _signed.FromRaw(0UL).WithTail((byte)64));
    }

    [Fact]
    public void Sixty_three_bit_long_field_holds_long_max_value()
    {
        var spte = _wide.FromRaw(1UL).WithWide(long.MaxValue);

        Assert.Equal(ulong.MaxValue, (ulong)spte.Raw);
        Assert.Equal(long.MaxValue, (long)spte.Wide);
        Assert.Equal(0x2UL, (ulong)_wide.NonPresentValue);
        Assert.Equal("WideSpte.NonPresent (0x0000000000000002)", (string)_wide.NonPresent.ToString());
        Assert.Equal(new[] { 2UL, 2UL, 2UL }, CompiledKvmFormats.Raws(_wide.NewTable(3)));
    }

    [Fact]
    public void ToString_shows_signed_and_enum_fields()
    {
        Assert.Equal(
            "SignedSpte 0xFEC000000000007F { Small = 0x7F, Valid, Priority = High, Tail = 0x3F }",
            (string)_signed.FromRaw(0xFEC000000000007FUL).ToString());
    }
}

using System;
using System.Linq;
using System.Reflection;
using Spte.Cli.Model;
using Spte.Runtime.Formats;
using Xunit;

namespace Spte.Cli.Tests;

/// <summary>
/// The CLI decodes from the declared attributes, not from the generated code; these tests pin the
/// two together: for every built-in format, view and field, the value the CLI extracts equals what
/// the generated getter returns.
/// </summary>
public sealed class FieldExtractionTests
{
    private static readonly ulong[] Samples =
    [
        0,
        ulong.MaxValue,
        0x8000000000000000,
        0x80000000000005A0,
        0x0123456789ABCDEF,
        0xFEDCBA9876543210,
        0x5555555555555555,
        0xAAAAAAAAAAAAAAAA,
        0x7FF00000000007F8,
    ];

    public static TheoryData<Type> BuiltInFormats => [typeof(EptSpte), typeof(NptSpte)];

    [Theory]
    [MemberData(nameof(BuiltInFormats))]
    public void Every_field_of_every_view_matches_the_generated_getter(Type type)
    {
        var format = FormatReader.Read(type, FormatCatalog.BuiltIn);
        var checkedFields = 0;
        foreach (var raw in Samples)
        {
            var entry = FromRaw(type, raw);
            foreach (var field in format.Fields)
            {
                Assert.Equal(Generated(type, entry, field.Name), field.Extract(raw));
                checkedFields++;
            }

            foreach (var view in format.Views)
            {
                var viewType = type.GetNestedType(view.Name)!;
                var viewEntry = FromRaw(viewType, raw);
                foreach (var field in view.Fields)
                {
                    Assert.Equal(Generated(viewType, viewEntry, field.Name), field.Extract(raw));
                    checkedFields++;
                }
            }
        }

        Assert.True(checkedFields > Samples.Length * 10, "too few fields compared");
    }

    [Theory]
    [MemberData(nameof(BuiltInFormats))]
    public void Masks_present_bits_and_values_match_the_generated_constants(Type type)
    {
        var format = FormatReader.Read(type, FormatCatalog.BuiltIn);

        Assert.Equal(Const(type, "PresentMask"), format.PresentMask);
        Assert.Equal(Const(type, "NonPresentValue"), format.NonPresentValue);
        Assert.Equal(Const(type, "ReservedMask"), format.ReservedMask);
        foreach (var special in format.SpecialValues)
        {
            Assert.Equal(Const(type, special.Name + "Value"), special.Value);
        }

        foreach (var view in format.Views)
        {
            Assert.Equal(Const(type.GetNestedType(view.Name)!, "ReservedMask"), format.ReservedMaskOf(view));
        }

        foreach (var field in format.Fields.Concat(format.Views.SelectMany(view => view.Fields)))
        {
            Assert.NotEqual(0UL, field.Mask);
        }
    }

    private static object FromRaw(Type type, ulong raw) =>
        type.GetMethod("FromRaw", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, [raw])!;

    private static ulong Generated(Type type, object entry, string property) =>
        Convert.ToUInt64(type.GetProperty(property)!.GetValue(entry), System.Globalization.CultureInfo.InvariantCulture);

    private static ulong Const(Type type, string name) =>
        (ulong)type.GetField(name, BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
}

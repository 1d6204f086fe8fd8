using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace Spte.Cli.Model;

/// <summary>
/// Reads formats from the attributes the toolkit leaves in metadata. Attributes are matched by
/// their full type name through <see cref="CustomAttributeData"/>, never by type identity, so a
/// user's assembly that brought its own copy of Spte.Annotations (in another load context, or
/// another version) reads the same way.
/// </summary>
internal static class FormatReader
{
    private const string Namespace = "Spte.";
    private const BindingFlags DeclaredMembers =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Whether <paramref name="type"/> is declared with <c>[SpteFormat]</c>.</summary>
    public static bool IsFormat(Type type) => Find(type, "SpteFormatAttribute").Any();

    /// <summary>Reads the format <paramref name="type"/>; <paramref name="origin"/> says where it came from.</summary>
    /// <exception cref="CliException">The declaration is not one the generator would have accepted.</exception>
    public static FormatModel Read(Type type, string origin)
    {
        var format = Find(type, "SpteFormatAttribute").Single();
        var nonPresent = format.NamedArguments
            .Where(argument => argument.MemberName == "NonPresentValue")
            .Select(argument => (ulong)argument.TypedValue.Value!)
            .FirstOrDefault();

        var views = type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic)
            .Where(nested => Find(nested, "SpteViewAttribute").Any())
            .OrderBy(nested => nested.MetadataToken)
            .Select(nested => new ViewModel(nested.Name, ReadFields(nested, type), ReadReserved(nested, type)))
            .ToList();

        return new FormatModel(
            type.Name,
            DisplayName(type),
            origin,
            nonPresent,
            ReadFields(type, type),
            views,
            ReadNamedValues(type, "SpecialValueAttribute"),
            ReadNamedValues(type, "MaskAttribute"),
            ReadReserved(type, type));
    }

    /// <summary>The namespace-qualified name with nested types joined by '.', as C# writes it.</summary>
    public static string DisplayName(Type type) => (type.FullName ?? type.Name).Replace('+', '.');

    private static List<FieldModel> ReadFields(Type declaring, Type format) =>
        declaring.GetProperties(DeclaredMembers)
            .Select(property => (property, runs: ReadRuns(property, format)))
            .Where(field => field.runs.Count > 0)
            .Select(field => new FieldModel(
                field.property.Name,
                field.runs,
                field.property.PropertyType,
                Find(field.property, "PresentAttribute").Any()))
            .OrderBy(field => field.LowestBit)
            .ThenBy(field => field.Name, StringComparer.Ordinal)
            .ToList();

    private static List<BitRun> ReadRuns(PropertyInfo property, Type format)
    {
        // Metadata keeps a member's attributes in declaration order, which is what makes the
        // first [Bits] of a split field its low bits.
        var runs = new List<BitRun>();
        foreach (var attribute in property.GetCustomAttributesData())
        {
            var name = attribute.AttributeType.FullName;
            if (name == Namespace + "BitAttribute")
            {
                var bit = (int)attribute.ConstructorArguments[0].Value!;
                runs.Add(Checked(new BitRun(bit, bit), format, property.Name));
            }
            else if (name == Namespace + "BitsAttribute")
            {
                var low = (int)attribute.ConstructorArguments[0].Value!;
                var high = (int)attribute.ConstructorArguments[1].Value!;
                runs.Add(Checked(new BitRun(low, high), format, property.Name));
            }
        }

        return runs;
    }

    private static ulong ReadReserved(Type declaring, Type format)
    {
        var mask = 0UL;
        foreach (var attribute in Find(declaring, "ReservedAttribute"))
        {
            var arguments = attribute.ConstructorArguments;
            var low = (int)arguments[0].Value!;
            var high = arguments.Count > 1 ? (int)arguments[1].Value! : low;
            mask |= Checked(new BitRun(low, high), format, "[Reserved]").Mask;
        }

        return mask;
    }

    private static List<NamedValue> ReadNamedValues(Type type, string attributeName) =>
        Find(type, attributeName)
            .Select(attribute => new NamedValue(
                (string)attribute.ConstructorArguments[0].Value!,
                (ulong)attribute.ConstructorArguments[1].Value!))
            .ToList();

    private static BitRun Checked(BitRun run, Type format, string member)
    {
        // The generator rejects these (SPTE0003), so only a hand-made assembly gets here.
        if (run.Low < 0 || run.High > 63 || run.Low > run.High)
        {
            throw new CliException(
                $"format {DisplayName(format)} declares an invalid bit range {run.Low}..{run.High} on {member}");
        }

        return run;
    }

    private static IEnumerable<CustomAttributeData> Find(MemberInfo member, string attributeName) =>
        member.GetCustomAttributesData().Where(attribute => attribute.AttributeType.FullName == Namespace + attributeName);
}

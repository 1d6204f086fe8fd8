using System;
using System.IO;
using Spte.Cli.Tests.Infrastructure;
using Xunit;

namespace Spte.Cli.Tests;

/// <summary>Compiled once for the class: a user's library with its own formats, built with the real generator.</summary>
public sealed class UserFormatsFixture : IDisposable
{
    public const string Source = """
        using Spte;

        namespace Acme.Mmu
        {
            public enum Cacheability : byte { Normal = 0, Device = 1 }

            /// A made-up format with a gap (bits 20..31) that no field names.
            [SpteFormat(NonPresentValue = 1UL << 62)]
            [SpecialValue("Poisoned", (1UL << 62) | 0xDEAD0000)]
            [Reserved(60, 61)]
            public readonly partial struct AcmeEntry
            {
                [Bit(0), Present] public partial bool Valid { get; }
                [Bits(1, 2)] public partial Cacheability Cache { get; }
                [Bits(3, 10), Bits(40, 43)] public partial ushort Tag { get; }
                [Bit(62)] public partial bool Trap { get; }

                [SpteView, Reserved(11, 12)]
                public readonly partial struct Table
                {
                    [Bits(13, 19)] public partial byte Next { get; }
                }
            }
        }

        namespace Acme.Other
        {
            /// Same simple name as the runtime's format: only the full name tells them apart.
            [SpteFormat]
            public readonly partial struct EptSpte
            {
                [Bit(5), Present] public partial bool Here { get; }
            }
        }
        """;

    public UserFormatsFixture()
    {
        LibraryPath = UserFormatAssembly.Compile(Source, "Acme.Mmu", withAnnotations: false);
        AppPath = UserFormatAssembly.Compile(Source, "Acme.App", withAnnotations: true);
    }

    /// <summary>A library's bin/: the assembly alone (Spte.Annotations comes from the package, not copied).</summary>
    public string LibraryPath { get; }

    /// <summary>An app's bin/: Spte.Annotations.dll beside it, loaded from there.</summary>
    public string AppPath { get; }

    public void Dispose()
    {
        // The load contexts keep the files mapped; on Linux they can still be unlinked.
        foreach (var path in new[] { LibraryPath, AppPath })
        {
            try
            {
                Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}

public sealed class UserAssemblyTests(UserFormatsFixture fixture) : IClassFixture<UserFormatsFixture>
{
    [Fact]
    public void Formats_lists_user_formats_after_the_built_in_ones()
    {
        var lines = Tool.Lines(Tool.Ok("formats", "--assembly", fixture.LibraryPath));

        Assert.StartsWith("EptSpte", lines[0]);
        Assert.Contains(lines, line => line.StartsWith("AcmeEntry", StringComparison.Ordinal) && line.EndsWith($"views Table  ({fixture.LibraryPath})", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("Acme.Other.EptSpte", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decodes_a_user_format_from_a_library_or_an_app_folder(bool app)
    {
        var path = app ? fixture.AppPath : fixture.LibraryPath;

        // Valid, Cache = Device, Tag = 0x5A5 (low 8 bits 0xA5 at 3..10, high 4 bits 0x5 at 40..43), bit 25 unnamed.
        var raw = 1UL | (1UL << 1) | (0xA5UL << 3) | (0x5UL << 40) | (1UL << 25);
        var output = Tool.Ok("decode", "acmeentry", "0x" + raw.ToString("X", System.Globalization.CultureInfo.InvariantCulture), "--assembly", path);

        Assert.StartsWith("AcmeEntry 0x000005000200052B\n", output);
        Assert.Contains($"  format         Acme.Mmu.AcmeEntry ({path})", output);
        Assert.Matches(@"\n  present +yes \(Valid set\)\n", output);
        Assert.Matches(@"\n  Cache +bits 1\.\.2 +Device \(1\)\n", output);
        Assert.Matches(@"\n  Tag +bits 3\.\.10, 40\.\.43 +0x5A5 \(1445\)\n", output);
        Assert.Contains("bits set that no field names: bit 25", output);
    }

    [Fact]
    public void Special_values_reserved_bits_and_undefined_enum_values_of_a_user_format()
    {
        var poisoned = Tool.Ok("decode", "AcmeEntry", "0x40000000DEAD0000", "-a", fixture.LibraryPath);
        var odd = Tool.Ok("decode", "AcmeEntry", "0x3000000000001807", "-a", fixture.LibraryPath);

        Assert.Contains("  special value  Poisoned", poisoned);
        Assert.Contains("view Table: RESERVED BITS SET (bits 11..12, 60..61)", odd);
        Assert.Matches(@"\n  Cache +bits 1\.\.2 +3 \(not a Cacheability member\)\n", odd);
    }

    [Fact]
    public void A_simple_name_shared_with_a_built_in_format_is_ambiguous()
    {
        var result = Tool.Run("decode", "EptSpte", "0", "--assembly", fixture.LibraryPath);

        Assert.Equal(SpteApp.InputErrorExitCode, result.ExitCode);
        Assert.Equal(
            $"spte: format name 'EptSpte' is ambiguous: Spte.Runtime.Formats.EptSpte (built in), Acme.Other.EptSpte ({fixture.LibraryPath}); use the full name",
            Assert.Single(result.ErrorLines));
    }

    [Fact]
    public void A_user_format_finding_names_its_non_present_value_without_claiming_hardware_facts()
    {
        var result = Tool.Run("decode", "AcmeEntry", "0", "--check", "-a", fixture.LibraryPath);

        Assert.Equal(SpteApp.FindingsExitCode, result.ExitCode);
        var lines = Tool.Lines(result.Out);
        Assert.Equal(
            "finding: AcmeEntry 0x0000000000000000 is not present, but it is not AcmeEntry's non-present value 0x4000000000000000 (it differs in bit 62)",
            lines[0]);
        Assert.Equal(
            "  spte knows no hardware facts for AcmeEntry; a correct MMU writes only the non-present value or a named special value into a non-present entry",
            lines[1]);
    }

    [Fact]
    public void A_user_format_special_value_is_its_class_and_passes_the_check()
    {
        var lines = Tool.Lines(Tool.Ok("decode", "AcmeEntry", "0x40000000DEAD0000", "--check", "-a", fixture.LibraryPath));

        Assert.Equal("AcmeEntry 0x40000000DEAD0000", lines[0]);
        Assert.Contains("  class          special value Poisoned", lines);
    }

    [Fact]
    public void The_full_name_resolves_the_ambiguity()
    {
        var user = Tool.Ok("decode", "Acme.Other.EptSpte", "0x20", "--assembly", fixture.LibraryPath);
        var builtIn = Tool.Ok("decode", "Spte.Runtime.Formats.EptSpte", "0x20", "--assembly", fixture.LibraryPath);

        Assert.Matches(@"\n  present +yes \(Here set\)\n", user);
        Assert.Matches(@"\n  present +no \(MmuPresent clear\)\n", builtIn);
    }

    [Fact]
    public void Layout_of_a_user_format_shows_reserved_bits_of_the_format_and_the_view()
    {
        var lines = Tool.Lines(Tool.Ok("layout", "AcmeEntry", "--assembly", fixture.AppPath));

        Assert.Contains("AcmeEntry    .t##.... ........ ....TTTT ........ ........ ........ .....TTT TTTTTCCV", lines);
        Assert.Contains("Table        .=##.... ........ ....==== ........ ........ ....NNNN NNN##=== ========", lines);
    }

    [Fact]
    public void The_same_assembly_twice_is_loaded_once()
    {
        var lines = Tool.Lines(Tool.Ok("formats", "-a", fixture.LibraryPath, "-a", fixture.LibraryPath));

        Assert.Single(lines, line => line.StartsWith("AcmeEntry", StringComparison.Ordinal));
    }
}

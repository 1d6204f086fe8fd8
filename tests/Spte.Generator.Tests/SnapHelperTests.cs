using System;
using System.IO;
using Spte.Generator.Tests.Infrastructure;
using Xunit;
using Xunit.Sdk;

namespace Spte.Generator.Tests;

/// <summary>The approved-file helper itself: it must fail on a difference and never approve on its own.</summary>
public sealed class SnapHelperTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "spte-snap-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Missing_snapshot_fails_and_writes_the_received_file()
    {
        var error = Assert.Throws<XunitException>(() => Snap.Match("text\n", "Missing", _directory, accept: false));

        var received = Path.Combine(_directory, "Missing.received.cs");
        Assert.Equal("text\n", File.ReadAllText(received));
        Assert.Contains(received, error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_directory, "Missing.verified.cs"), error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "Missing.verified.cs")));
    }

    [Fact]
    public void Mismatch_fails_naming_the_first_differing_line()
    {
        Write("Changed.verified.cs", "a\nb\n");

        var error = Assert.Throws<XunitException>(() => Snap.Match("a\nc\n", "Changed", _directory, accept: false));

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
        Assert.Equal("a\nc\n", File.ReadAllText(Path.Combine(_directory, "Changed.received.cs")));
        Assert.Equal("a\nb\n", File.ReadAllText(Path.Combine(_directory, "Changed.verified.cs")));
    }

    [Fact]
    public void Match_ignores_line_endings_and_the_generator_version_and_removes_a_stale_received_file()
    {
        Write("Same.verified.cs", "[GeneratedCode(\"Spte.Generator\", \"x.y.z.w\")]\nx\n");
        Write("Same.received.cs", "stale");

        Snap.Match("[GeneratedCode(\"Spte.Generator\", \"9.8.7.6\")]\r\nx\r\n", "Same", _directory, accept: false);

        Assert.False(File.Exists(Path.Combine(_directory, "Same.received.cs")));
    }

    [Fact]
    public void Accept_writes_the_verified_file()
    {
        Snap.Match("new\n", "Accepted", _directory, accept: true);

        Assert.Equal("new\n", File.ReadAllText(Path.Combine(_directory, "Accepted.verified.cs")));
        Assert.False(File.Exists(Path.Combine(_directory, "Accepted.received.cs")));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private void Write(string name, string text)
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, name), text);
    }
}

using System;
using System.IO;
using System.Text.RegularExpressions;
using Spte.Tests;
using Xunit;
using Xunit.Sdk;

namespace Spte.Generator.Tests.Infrastructure;

/// <summary>
/// Approved-file snapshots (Verify is not served here). The approved text lives in
/// <c>tests/Spte.Generator.Tests/Snapshots/&lt;name&gt;.verified.cs</c>. A mismatch writes
/// <c>&lt;name&gt;.received.cs</c> and fails naming both files; <c>SNAP_ACCEPT=1</c> writes the
/// verified file instead, except on CI (<c>CI=true</c>), where nothing may approve itself.
/// </summary>
internal static partial class Snap
{
    public const string ScrubbedVersion = "x.y.z.w";

    /// <summary>
    /// Found from the repository root, not [CallerFilePath]: a CI build (ContinuousIntegrationBuild)
    /// maps source paths to /_/, which would point every snapshot at a folder that does not exist.
    /// </summary>
    public static string Folder { get; } = Path.Combine(RepositoryRoot.Path, "tests", "Spte.Generator.Tests", "Snapshots");

    public static void Match(string actual, string name) => Match(actual, name, Folder, AcceptRequested());

    /// <summary>The comparison itself, with the folder and the accept switch passed in so the helper can be tested.</summary>
    public static void Match(string actual, string name, string directory, bool accept)
    {
        var text = Scrub(actual);
        var verified = Path.Combine(directory, name + ".verified.cs");
        var received = Path.Combine(directory, name + ".received.cs");
        var approved = File.Exists(verified) ? Normalize(File.ReadAllText(verified)) : null;
        if (approved == text)
        {
            File.Delete(received);
            return;
        }

        Directory.CreateDirectory(directory);
        if (accept)
        {
            File.WriteAllText(verified, text);
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, text);
        throw new XunitException(
            (approved is null ? "No approved snapshot" : "Snapshot mismatch") + $" for '{name}'.\n" +
            $"  verified: {verified}\n  received: {received}\n" +
            (approved is null ? string.Empty : FirstDifference(approved, text)) +
            "Review the received file; if it is right, rename it over the verified one (or run with SNAP_ACCEPT=1).");
    }

    /// <summary>Line endings and the generator's assembly version must not make a snapshot fail.</summary>
    public static string Scrub(string text) =>
        GeneratedCodeVersion().Replace(Normalize(text), "$1" + ScrubbedVersion + "$2");

    private static string Normalize(string text) => text.Replace("\r\n", "\n");

    private static bool AcceptRequested() =>
        Environment.GetEnvironmentVariable("SNAP_ACCEPT") == "1"
        && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private static string FirstDifference(string approved, string actual)
    {
        var a = approved.Split('\n');
        var b = actual.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var left = i < a.Length ? a[i] : "<end of file>";
            var right = i < b.Length ? b[i] : "<end of file>";
            if (left != right)
            {
                return $"  first difference at line {i + 1}:\n    verified: {left.Trim()}\n    received: {right.Trim()}\n";
            }
        }

        return string.Empty;
    }

    [GeneratedRegex("""(GeneratedCode\("Spte\.Generator", ")[^"]*("\))""")]
    private static partial Regex GeneratedCodeVersion();
}

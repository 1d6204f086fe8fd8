using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace Spte.ZeroCost.Tests;

/// <summary>
/// Runs the probe program once, fully optimised, with the JIT writing every probe's listing to a
/// file, and keeps what it printed. Shared by all tests of the class: one process, well under a
/// second.
/// </summary>
public sealed class ProbeRun
{
    /// <summary>
    /// The JIT's method pattern: every method of the probe and idiom classes, the framework's span
    /// fill they call, and the three <c>NewTable</c>s, which the JIT keeps out of line.
    /// </summary>
    public const string ProbePattern = "*Probes:* *Idioms:* *SpanHelpers:Fill *EptSpte:NewTable *UlongTwin:NewTable *StructTwin:NewTable";

    /// <summary>Runs the probe program and parses its listings.</summary>
    public ProbeRun()
        : this(new Dictionary<string, string>())
    {
    }

    private ProbeRun(IReadOnlyDictionary<string, string> settings)
    {
        var program = typeof(GeneratedProbes).Assembly.Location;
        var listingFile = Path.Combine(Path.GetTempPath(), "spte-zerocost-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N") + ".asm");
        var start = new ProcessStartInfo(DotnetHost(), ["exec", program])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // Whatever the test host was started with must not change how the probes are compiled.
        foreach (var name in start.Environment.Keys.Where(IsJitSetting).ToList())
        {
            start.Environment.Remove(name);
        }

        // Straight to fully optimised code: no tier-0 listing, no OSR, no dynamic PGO. No
        // ReadyToRun code either, so the framework's SpanHelpers.Fill<ulong> is compiled (and
        // listed) here like Fill<EptSpte> instead of coming precompiled; it costs under a second.
        start.Environment["DOTNET_TieredCompilation"] = "0";
        start.Environment["DOTNET_ReadyToRun"] = "0";
        start.Environment["DOTNET_JitDisasm"] = ProbePattern;
        start.Environment["DOTNET_JitStdOutFile"] = listingFile;
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + program);
            var stderr = process.StandardError.ReadToEndAsync();
            Output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill();
                throw new InvalidOperationException("the probe program did not finish in 2 minutes");
            }

            ExitCode = process.ExitCode;
            Error = stderr.GetAwaiter().GetResult();
            Listings = File.Exists(listingFile)
                ? JitListing.ParseAll(File.ReadAllText(listingFile))
                : new Dictionary<string, JitListing>();
        }
        finally
        {
            File.Delete(listingFile);
        }
    }

    /// <summary>
    /// A run with more runtime settings, e.g. <c>DOTNET_EnableAVX2=0</c> to compile the code a
    /// CPU without an instruction set gets.
    /// </summary>
    public static ProbeRun With(IReadOnlyDictionary<string, string> settings) => new(settings);

    /// <summary>The probe program's exit code: the number of probes whose values disagreed.</summary>
    public int ExitCode { get; }

    /// <summary>What the probe program printed: one line of values per probe.</summary>
    public string Output { get; }

    /// <summary>What the probe program printed to stderr.</summary>
    public string Error { get; }

    /// <summary>Every probe's listing, keyed by <c>Class:Method</c>.</summary>
    public IReadOnlyDictionary<string, JitListing> Listings { get; }

    /// <summary>The listing of <paramref name="method"/> (<c>Class:Method</c>), or a failure naming what was listed.</summary>
    public JitListing Get(string method) =>
        Listings.TryGetValue(method, out var listing)
            ? listing
            : throw new InvalidOperationException(
                $"no listing for {method}; listed: [{string.Join(", ", Listings.Keys)}]; exit {ExitCode}; stderr: {Error}");

    private static bool IsJitSetting(string name) =>
        (name.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("COMPlus_", StringComparison.OrdinalIgnoreCase))
        && (name.Contains("Jit", StringComparison.OrdinalIgnoreCase)
            || name.Contains("Tiered", StringComparison.OrdinalIgnoreCase)
            || name.Contains("TC_", StringComparison.OrdinalIgnoreCase)
            || name.Contains("ReadyToRun", StringComparison.OrdinalIgnoreCase)
            || name.Contains("PGO", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("DOTNET_Enable", StringComparison.OrdinalIgnoreCase));

    /// <summary>The host running the tests when it is <c>dotnet</c>, else the one the SDK names, else the one on PATH.</summary>
    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } sdkHost ? sdkHost : "dotnet";
    }
}

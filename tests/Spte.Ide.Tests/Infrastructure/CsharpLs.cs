using System;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Spte.Tests;

namespace Spte.Ide.Tests.Infrastructure;

/// <summary>
/// csharp-ls from the repository's tool manifest (<c>.config/dotnet-tools.json</c>), started over
/// stdio. It runs NuGet and project analyzers only when the client answers
/// <c>workspace/configuration</c> with <c>csharp.analyzersEnabled = true</c>.
/// </summary>
internal sealed class CsharpLs : IAsyncDisposable
{
    private readonly Process process;

    private CsharpLs(Process process)
    {
        this.process = process;
        Connection = new LspConnection(process.StandardInput.BaseStream, process.StandardOutput.BaseStream, Answer);
        _ = process.StandardError.ReadToEndAsync();
    }

    public LspConnection Connection { get; }

    /// <summary>Restores the tool; on failure returns null and the restore output as the reason.</summary>
    public static async Task<(CsharpLs? Server, string Reason)> StartAsync()
    {
        var (exitCode, output) = await Dotnet.RunAsync(RepositoryRoot.Path, "tool", "restore");
        if (exitCode != 0)
        {
            return (null, "dotnet tool restore failed: " + output);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot.Path, // where `dotnet tool run` finds the manifest
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("tool");
        start.ArgumentList.Add("run");
        start.ArgumentList.Add("csharp-ls");
        return (new CsharpLs(Process.Start(start)!), string.Empty);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private static JsonNode? Answer(string method, JsonElement parameters)
    {
        if (method != "workspace/configuration")
        {
            return null;
        }

        var results = new JsonArray();
        foreach (var item in parameters.GetProperty("items").EnumerateArray())
        {
            var section = item.TryGetProperty("section", out var s) ? s.GetString() : null;
            results.Add(section switch
            {
                "csharp" => new JsonObject { ["analyzersEnabled"] = true },
                null or "" => new JsonObject { ["csharp"] = new JsonObject { ["analyzersEnabled"] = true } },
                _ => null,
            });
        }

        return results;
    }
}

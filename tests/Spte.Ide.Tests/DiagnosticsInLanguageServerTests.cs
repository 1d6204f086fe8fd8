using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Spte.Ide.Tests.Infrastructure;
using Xunit;

namespace Spte.Ide.Tests;

/// <summary>
/// The real csharp-ls over stdio shows SPTE1001..1003 on the lines of a file in a consumer of the
/// packed package, and an edit that fixes one drops it and keeps the others. One pack, one server
/// start, one project.
/// </summary>
public sealed class DiagnosticsInLanguageServerTests
{
    private static readonly TimeSpan FailureBound = TimeSpan.FromSeconds(180);

    [SkippableFact]
    public async Task Diagnostics_arrive_on_their_lines_and_follow_an_edit()
    {
        // Pack and restore first: they are our package's failures, never a reason to skip.
        using var consumer = new ConsumerProject();
        var package = await PackedToolkit.PackAsync(consumer.Feed);
        await consumer.RestoreAsync(package);
        RestoredToolkit.AssertFromPack(consumer, package);

        var (server, reason) = await CsharpLs.StartAsync();
        Skip.If(server is null, reason);
        await using (server)
        {
            using var cancel = new CancellationTokenSource(FailureBound);
            var lsp = server!.Connection;
            var uri = new Uri(consumer.SourcePath).AbsoluteUri;
            await lsp.RequestAsync("initialize", Initialize(new Uri(consumer.Root).AbsoluteUri), cancel.Token);
            await lsp.NotifyAsync("initialized", new JsonObject());
            await lsp.NotifyAsync("textDocument/didOpen", new JsonObject
            {
                ["textDocument"] = new JsonObject { ["uri"] = uri, ["languageId"] = "csharp", ["version"] = 1, ["text"] = MmuSource.Broken },
            });

            var all = new[] { ("SPTE1001", MmuSource.Spte1001Line), ("SPTE1002", MmuSource.Spte1002Line), ("SPTE1003", MmuSource.Spte1003Line) };
            var (_, errors) = await WaitForAsync(lsp, uri, found => all.All(found.Contains), cancel.Token);

            // The file uses generated members (Raw): had the generator not run in the server, they would be compiler errors here.
            Assert.Empty(errors);

            await lsp.NotifyAsync("textDocument/didChange", new JsonObject
            {
                ["textDocument"] = new JsonObject { ["uri"] = uri, ["version"] = 2 },
                ["contentChanges"] = new JsonArray(new JsonObject { ["text"] = MmuSource.Spte1001Fixed }),
            });
            var (after, errorsAfter) = await WaitForAsync(lsp, uri, found => !found.Contains(all[0]), cancel.Token);
            Assert.Equal(all[1..].ToHashSet(), after);
            Assert.Empty(errorsAfter);

            await lsp.RequestAsync("shutdown", null, cancel.Token);
            await lsp.NotifyAsync("exit", null);
        }
    }

    private static JsonObject Initialize(string rootUri) => new()
    {
        ["processId"] = Environment.ProcessId,
        ["rootUri"] = rootUri,
        ["capabilities"] = new JsonObject
        {
            ["workspace"] = new JsonObject { ["configuration"] = true },
            ["textDocument"] = new JsonObject { ["publishDiagnostics"] = new JsonObject() },
        },
    };

    /// <summary>Reads published diagnostics for <paramref name="uri"/> until a set satisfies <paramref name="done"/>; returns its SPTE rules and lines, and the other errors (compiler errors) with it.</summary>
    private static async Task<(HashSet<(string Id, int Line)> Spte, string[] Errors)> WaitForAsync(
        LspConnection lsp, string uri, Func<HashSet<(string Id, int Line)>, bool> done, CancellationToken cancel)
    {
        var last = new HashSet<(string Id, int Line)>();
        await foreach (var message in lsp.Notifications.ReadAllAsync(cancel))
        {
            if (message.GetProperty("method").GetString() != "textDocument/publishDiagnostics"
                || message.GetProperty("params").GetProperty("uri").GetString() != uri)
            {
                continue;
            }

            var diagnostics = message.GetProperty("params").GetProperty("diagnostics");
            last = Spte(diagnostics);
            if (done(last))
            {
                return (last, CompilerErrors(diagnostics));
            }
        }

        throw new InvalidOperationException("The server exited; last SPTE diagnostics: " + string.Join(", ", last));
    }

    /// <summary>Error-severity diagnostics (LSP severity 1) that are not the toolkit's, as "code: message".</summary>
    private static string[] CompilerErrors(JsonElement diagnostics) =>
        [.. diagnostics.EnumerateArray()
            .Where(d => d.TryGetProperty("severity", out var severity) && severity.GetInt32() == 1
                && !(d.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String && code.GetString()!.StartsWith("SPTE", StringComparison.Ordinal)))
            .Select(d => $"{(d.TryGetProperty("code", out var code) ? code.ToString() : "?")}: {d.GetProperty("message").GetString()}")];

    private static HashSet<(string Id, int Line)> Spte(JsonElement diagnostics) =>
        diagnostics.EnumerateArray()
            .Where(d => d.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String && code.GetString()!.StartsWith("SPTE", StringComparison.Ordinal))
            .Select(d => (d.GetProperty("code").GetString()!, d.GetProperty("range").GetProperty("start").GetProperty("line").GetInt32()))
            .ToHashSet();
}

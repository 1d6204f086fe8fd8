using System;
using System.Collections.Concurrent;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Spte.Ide.Tests.Infrastructure;

/// <summary>
/// A minimal JSON-RPC client over a language server's stdio (LSP's Content-Length framing).
/// Server requests are answered by <see cref="answer"/>; notifications are queued for the test.
/// </summary>
internal sealed class LspConnection
{
    private readonly Stream input;
    private readonly Stream output;
    private readonly Func<string, JsonElement, JsonNode?> answer;
    private readonly SemaphoreSlim writeLock = new(1, 1);
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> pending = new();
    private readonly Channel<JsonElement> notifications = Channel.CreateUnbounded<JsonElement>();
    private int nextId;

    public LspConnection(Stream input, Stream output, Func<string, JsonElement, JsonNode?> answer)
    {
        this.input = input;
        this.output = output;
        this.answer = answer;
        _ = Task.Run(ReadLoopAsync);
    }

    public ChannelReader<JsonElement> Notifications => notifications.Reader;

    public async Task<JsonElement> RequestAsync(string method, JsonNode? parameters, CancellationToken cancel)
    {
        var id = Interlocked.Increment(ref nextId);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[id] = reply;
        await WriteAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters });
        return await reply.Task.WaitAsync(cancel);
    }

    public Task NotifyAsync(string method, JsonNode? parameters) =>
        WriteAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method, ["params"] = parameters });

    private async Task WriteAsync(JsonObject message)
    {
        var body = Encoding.UTF8.GetBytes(message.ToJsonString());
        var header = Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n");
        await writeLock.WaitAsync();
        try
        {
            await input.WriteAsync(header);
            await input.WriteAsync(body);
            await input.FlushAsync();
        }
        finally
        {
            writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (await ReadMessageAsync() is { } message)
            {
                await DispatchAsync(message.RootElement.Clone());
            }
        }
        catch (IOException)
        {
            // The server exited; the pending waits end by their timeout.
        }
        finally
        {
            notifications.Writer.TryComplete();
        }
    }

    private async Task DispatchAsync(JsonElement message)
    {
        var hasId = message.TryGetProperty("id", out var id);
        if (message.TryGetProperty("method", out var method))
        {
            var parameters = message.TryGetProperty("params", out var p) ? p : default;
            if (hasId)
            {
                var result = answer(method.GetString()!, parameters);
                await WriteAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = JsonNode.Parse(id.GetRawText()), ["result"] = result });
            }
            else
            {
                await notifications.Writer.WriteAsync(message);
            }
        }
        else if (hasId && id.ValueKind == JsonValueKind.Number && pending.TryRemove(id.GetInt32(), out var reply))
        {
            reply.SetResult(message);
        }
    }

    private async Task<JsonDocument?> ReadMessageAsync()
    {
        var length = -1;
        while (await ReadHeaderLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                var body = new byte[length];
                await output.ReadExactlyAsync(body);
                return JsonDocument.Parse(body);
            }

            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private async Task<string?> ReadHeaderLineAsync()
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (await output.ReadAsync(one) == 1)
        {
            if (one[0] == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }

            line.Append((char)one[0]);
        }

        return null;
    }
}

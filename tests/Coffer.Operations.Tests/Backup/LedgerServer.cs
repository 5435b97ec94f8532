using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Coffer.Testing.Process;

namespace Coffer.Operations.Tests.Backup;

/// <summary>
/// The built server as a child process (<see cref="ServerProcess"/>: <c>dotnet Coffer.Server.dll serve</c> on a free
/// loopback port), configured only by environment variables, so the restore test writes its ledger data the way
/// production does. Started, it is ready (<c>/health/ready</c> = 200); stopping or disposing kills it (with its children)
/// and waits until it is gone.
/// </summary>
internal sealed class LedgerServer : IAsyncDisposable
{
    private readonly ServerProcess server;
    private readonly HttpClient client;

    private LedgerServer(ServerProcess server)
    {
        this.server = server;
        client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(15) };
    }

    public Uri BaseAddress => server.BaseAddress;

    /// <summary>What the process wrote to stdout and stderr, for failure messages.</summary>
    public string Output => server.Output;

    /// <summary>
    /// Starts the server with <paramref name="environment"/> (variable names like <c>Coffer__DataDirectory</c>) and waits
    /// until it is ready; on any failure the process is killed.
    /// </summary>
    public static async Task<LedgerServer> StartAsync(IReadOnlyDictionary<string, string?> environment) =>
        new(await ServerProcess.StartAsync(environment.ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => e.Value)));

    /// <summary>
    /// POSTs <paramref name="body"/> as camelCase JSON with a fresh <c>Idempotency-Key</c> and the caller's token;
    /// anything but 201 Created fails with the answer and the server's output.
    /// </summary>
    public async Task<JsonElement> CreateAsync(string path, string token, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException(
                $"POST {path} answered {(int)response.StatusCode}, not 201: {text}\n--- server output\n{Output}");
        }
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Kills the server (SIGKILL, with its children) and waits until it has exited. Idempotent.</summary>
    public Task StopAsync()
    {
        server.KillHard();
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await server.DisposeAsync();
        }
        finally
        {
            client.Dispose();
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Coffer.Operations.Tests.Backup;

/// <summary>
/// The built server as a child process, <c>dotnet Coffer.Server.dll serve --urls http://127.0.0.1:PORT</c>, configured
/// only by environment variables, so the restore test writes its ledger data the way production does. Started, it is
/// ready (<c>/health/ready</c> = 200); stopping or disposing kills it (with its children) and waits until it is gone.
/// (After the pattern of Coffer.Server.Tests' ServerProcess, which this project does not reference.)
/// </summary>
internal sealed class LedgerServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(10);

    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly HttpClient client;

    private LedgerServer(IReadOnlyDictionary<string, string?> environment, int port)
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        process = new Process { StartInfo = Tool.CofferStartInfo(environment, ["serve", "--urls", BaseAddress.ToString().TrimEnd('/')]) };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data is null ? null : "[err] " + e.Data);
        client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(15) };
    }

    public Uri BaseAddress { get; }

    /// <summary>What the process wrote to stdout and stderr (bounded), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>Starts the server on a free port and waits until it is ready; on any failure the process is killed.</summary>
    public static async Task<LedgerServer> StartAsync(IReadOnlyDictionary<string, string?> environment)
    {
        var server = new LedgerServer(environment, FreePort());
        try
        {
            server.process.Start();
            server.process.StandardInput.Close();
            server.process.BeginOutputReadLine();
            server.process.BeginErrorReadLine();
            await server.WaitUntilReadyAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

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
    public async Task StopAsync()
    {
        try
        {
            if (process.HasExited)
            {
                return;
            }
        }
        catch (InvalidOperationException)
        {
            return; // never started
        }
        process.Kill(entireProcessTree: true);
        using var limit = new CancellationTokenSource(ExitLimit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The server did not exit within {ExitLimit.TotalSeconds} s of SIGKILL.\n{Output}");
        }
        Append("===== killed");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            client.Dispose();
            process.Dispose();
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        var watch = Stopwatch.StartNew();
        var lastAnswer = "no answer yet";
        while (watch.Elapsed < ReadyLimit)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {process.ExitCode} before it was ready.\n{Output}");
            }
            try
            {
                using var response = await client.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
                lastAnswer = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                lastAnswer = exception.Message;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The server was not ready within {ReadyLimit.TotalSeconds} s (last: {lastAnswer}).\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            if (output.Length < 1_000_000)
            {
                output.Append(line).Append('\n');
            }
        }
    }

    /// <summary>A port on 127.0.0.1 that nothing listens on right now (the kernel's ephemeral range, apart from the clusters').</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

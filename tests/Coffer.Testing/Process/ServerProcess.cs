using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Coffer.Platform.Identity;

namespace Coffer.Testing.Process;

/// <summary>
/// The built server as a real child process: <c>dotnet Coffer.Server.dll serve --urls http://127.0.0.1:PORT</c>,
/// configured by environment variables. It can be killed with SIGKILL (no graceful shutdown, no flush) and
/// started again on the same port and data, which is what the crash-safety tests need.
/// Output of every incarnation is kept for the failure message.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan DefaultReadyLimit = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly Dictionary<string, string?> _environment;
    private readonly bool _explicitServeVerb;
    private readonly StringBuilder _output = new();
    private System.Diagnostics.Process? _process;
    private int _incarnation;

    private ServerProcess(IReadOnlyDictionary<string, string?> environment, string dataDirectory, int port, bool explicitServeVerb)
    {
        _environment = new Dictionary<string, string?>(environment);
        DataDirectory = dataDirectory;
        Port = port;
        _explicitServeVerb = explicitServeVerb;
    }

    public int Port { get; }
    public string DataDirectory { get; }
    public string Url => $"http://127.0.0.1:{Port}";
    public Uri BaseAddress => new(Url);

    /// <summary>Everything every incarnation wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Only what stdout received (stderr lines are prefixed in <see cref="Output"/> and left out here).</summary>
    public string StandardOutput
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output.ToString().Split('\n').Where(l => !l.StartsWith("[err] ", StringComparison.Ordinal)));
            }
        }
    }

    public bool HasExited => _process is null || _process.HasExited;
    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>
    /// Starts a server with configuration <paramref name="settings"/> (keys like <c>Coffer:DataDirectory</c>,
    /// turned into <c>Coffer__DataDirectory</c>) and waits until <c>/health/ready</c> answers 200.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, bool explicitServeVerb = true)
    {
        var server = Create(settings, explicitServeVerb);
        try
        {
            await server.RestartAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>
    /// A server that is not started yet (<see cref="Launch"/> it, e.g. to watch it refuse to start). Without
    /// <paramref name="explicitServeVerb"/> it runs as <c>dotnet Coffer.Server.dll --urls ...</c> (serve is the default verb).
    /// </summary>
    public static ServerProcess Create(IReadOnlyDictionary<string, string?> settings, bool explicitServeVerb = true)
    {
        var dataDirectory = settings.TryGetValue("Coffer:DataDirectory", out var directory) && directory is { Length: > 0 }
            ? directory
            : throw new ArgumentException("Coffer:DataDirectory is required: the server must not write into the test's directory.", nameof(settings));
        return new ServerProcess(CofferProcess.ToEnvironment(settings), dataDirectory, CofferProcess.FreePort(), explicitServeVerb);
    }

    /// <summary>Starts the process without waiting for it to become ready.</summary>
    public void Launch()
    {
        if (!HasExited)
        {
            throw new InvalidOperationException("The server is still running; KillHard() it first.");
        }
        _process?.Dispose();
        var incarnation = ++_incarnation;
        Append($"===== start #{incarnation} on port {Port}");
        string[] urls = ["--urls", Url];
        string[] args = _explicitServeVerb ? ["serve", .. urls] : urls;
        var process = new System.Diagnostics.Process
        {
            // The data directory may not exist yet (the server creates it); its parent does.
            StartInfo = CofferProcess.StartInfo(args, _environment,
                Directory.Exists(DataDirectory) ? DataDirectory : Path.GetDirectoryName(Path.GetFullPath(DataDirectory))!),
            EnableRaisingEvents = true,
        };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data is null ? null : "[err] " + e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>(Re)starts the process on the same port and waits until it is ready.</summary>
    public async Task RestartAsync(TimeSpan? readyLimit = null)
    {
        Launch();
        await WaitUntilReadyAsync(readyLimit ?? DefaultReadyLimit);
    }

    /// <summary>Polls <c>/health/ready</c> until 200; fails with the process output when it exits or the limit passes.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan limit)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var watch = Stopwatch.StartNew();
        var lastAnswer = "no answer yet";
        while (watch.Elapsed < limit)
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {ExitCode} before it was ready.\n{Output}");
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
            await Task.Delay(PollInterval);
        }
        throw new TimeoutException($"The server was not ready within {limit.TotalSeconds} s (last: {lastAnswer}).\n{Output}");
    }

    /// <summary>Waits (bounded) for the process to exit by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        var process = _process ?? throw new InvalidOperationException("Not started.");
        using var cancellation = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The server did not exit within {limit.TotalSeconds} s.\n{Output}");
        }
        process.WaitForExit(); // drains the asynchronous output readers
        return process.ExitCode;
    }

    /// <summary>SIGKILL, no graceful shutdown: what a power cut or an OOM kill does to the process.</summary>
    public void KillHard()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }
        process.Kill(entireProcessTree: true);
        if (!process.WaitForExit(10_000))
        {
            throw new TimeoutException($"The server did not die within 10 s of SIGKILL.\n{Output}");
        }
        process.WaitForExit();
        Append($"===== killed #{_incarnation}");
    }

    /// <summary>A development token signed by the key the server loads from the same data directory.</summary>
    public string Token(string subject, string tenant, params string[] roles) =>
        TokenIssuer.Issue(DevelopmentSigningKey.LoadOrCreate(DataDirectory), new JwtSettings(), subject, tenant, roles,
            TimeSpan.FromHours(1), TimeProvider.System);

    /// <summary>A fresh client (own connection pool) authenticated as the given caller.</summary>
    public HttpClient ClientFor(string subject, string tenant, params string[] roles) => ClientWithToken(Token(subject, tenant, roles));

    public HttpClient ClientWithToken(string? token, TimeSpan? timeout = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = BaseAddress,
            Timeout = timeout ?? TimeSpan.FromSeconds(15),
        };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            // Bounded: a chatty server must not exhaust the test host's memory.
            if (_output.Length < 2_000_000)
            {
                _output.Append(line).Append('\n');
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        KillHard();
        _process?.Dispose();
        return ValueTask.CompletedTask;
    }
}

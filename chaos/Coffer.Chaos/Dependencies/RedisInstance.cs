namespace Coffer.Chaos.Dependencies;

/// <summary>
/// A <c>redis-server</c> of the harness's own on 127.0.0.1, without persistence (Coffer treats Redis as disposable). The
/// fault injector stops it (<c>SHUTDOWN NOSAVE</c>) and starts it again, empty.
/// </summary>
internal sealed class RedisInstance : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private readonly string _root;
    private ChildProcess? _process;

    private RedisInstance(string root, int port)
    {
        _root = root;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisInstance> StartNewAsync(string root, int port)
    {
        Directory.CreateDirectory(root);
        var instance = new RedisInstance(root, port);
        await instance.StartAsync();
        return instance;
    }

    public async Task StartAsync()
    {
        if (await Loopback.IsOpenAsync(Port))
        {
            throw new InvalidOperationException($"Something already listens on 127.0.0.1:{Port}; pick another --port-base.");
        }
        _process?.Dispose();
        _process = ChildProcess.Start("redis-server",
            ["--bind", "127.0.0.1", "--port", Port.ToString(), "--save", "", "--appendonly", "no", "--dir", _root, "--daemonize", "no"],
            Path.Combine(_root, "redis.log"));
        await Loopback.WaitAsync(Port, open: true, Limit, "redis-server");
    }

    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }
        await ExternalCommand.RunAsync("redis-cli", ["-h", "127.0.0.1", "-p", Port.ToString(), "shutdown", "nosave"], Limit);
        if (!await _process.WaitForExitAsync(Limit))
        {
            _process.Kill();
        }
    }

    public void Dispose() => _process?.Dispose();
}

namespace Coffer.Chaos.Dependencies;

/// <summary>
/// A RabbitMQ node of the harness's own (<c>coffer-chaos-PORT@localhost</c>) on 127.0.0.1, with its own Mnesia and log
/// directories and no plugins (so no management port clashes with the shared node). Stopped gracefully
/// (<c>rabbitmqctl shutdown</c>) and started again: RabbitMQ 3.10's quorum queues stay leaderless for over a minute after a
/// kill -9 of their only node, which would test the broker, not Coffer.
/// </summary>
internal sealed class RabbitMqInstance : IDisposable
{
    private static readonly TimeSpan BootLimit = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(60);

    private readonly string _root;
    private readonly Dictionary<string, string> _environment;
    private ChildProcess? _process;

    private RabbitMqInstance(string root, int amqpPort, int distributionPort)
    {
        _root = root;
        AmqpPort = amqpPort;
        NodeName = $"coffer-chaos-{amqpPort}@localhost";
        var pluginsFile = Path.Combine(root, "enabled_plugins");
        _environment = new Dictionary<string, string>
        {
            ["RABBITMQ_NODENAME"] = NodeName,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = amqpPort.ToString(),
            ["RABBITMQ_DIST_PORT"] = distributionPort.ToString(),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(root, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(root, "log"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = pluginsFile,
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(root, "rabbitmq"), // does not exist: defaults, not /etc/rabbitmq's
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(root, "advanced.config"),
            ["RABBITMQ_PID_FILE"] = Path.Combine(root, "rabbitmq.pid"),
            ["RABBITMQ_FEATURE_FLAGS_FILE"] = Path.Combine(root, "feature_flags"),
            ["ERL_CRASH_DUMP"] = Path.Combine(root, "erl_crash.dump"),
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
        };
        File.WriteAllText(pluginsFile, "[].\n");
        Directory.CreateDirectory(_environment["RABBITMQ_MNESIA_BASE"]);
        Directory.CreateDirectory(_environment["RABBITMQ_LOG_BASE"]);
    }

    public int AmqpPort { get; }
    public string NodeName { get; }

    /// <summary>guest may connect over loopback only, which is where the node listens.</summary>
    public string Uri => $"amqp://guest:guest@127.0.0.1:{AmqpPort}/";

    /// <summary>Launches the node and returns at once (it boots in 10-30 s); <see cref="WaitUntilReadyAsync"/> waits for it.</summary>
    public static async Task<RabbitMqInstance> LaunchNewAsync(string root, int amqpPort, int distributionPort)
    {
        Directory.CreateDirectory(root);
        var instance = new RabbitMqInstance(root, amqpPort, distributionPort);
        // Debian's rabbitmq-server drops to the rabbitmq user (su, which keeps the RABBITMQ_* settings): it writes here as that user.
        (await ExternalCommand.RunAsync("chown", ["-R", "rabbitmq:rabbitmq", root], StopLimit)).EnsureSuccess();
        await instance.LaunchAsync();
        return instance;
    }

    public async Task LaunchAsync()
    {
        if (await Loopback.IsOpenAsync(AmqpPort))
        {
            throw new InvalidOperationException($"Something already listens on 127.0.0.1:{AmqpPort}; pick another --port-base.");
        }
        _process?.Dispose();
        _process = ChildProcess.Start("rabbitmq-server", [], Path.Combine(_root, "rabbitmq-server.log"), _environment);
    }

    /// <summary>Waits until the node accepts AMQP connections; fails at once, with its log's tail, if it exits instead.</summary>
    public Task WaitUntilReadyAsync() =>
        Loopback.WaitAsync(AmqpPort, open: true, BootLimit, $"RabbitMQ node {NodeName}", () => _process is { HasExited: true }
            ? $"rabbitmq-server exited while booting:\n{string.Join('\n', File.ReadLines(Path.Combine(_root, "rabbitmq-server.log")).TakeLast(15))}"
            : null);

    public async Task StartAsync()
    {
        await LaunchAsync();
        await WaitUntilReadyAsync();
    }

    /// <summary><c>rabbitmqctl shutdown</c>: the node stops its listeners, closes its queues cleanly and its VM exits.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }
        await ExternalCommand.RunAsync("rabbitmqctl", ["-n", NodeName, "shutdown"], StopLimit, environment: _environment);
        if (!await _process.WaitForExitAsync(StopLimit))
        {
            _process.Kill();
        }
        await Loopback.WaitAsync(AmqpPort, open: false, StopLimit, $"RabbitMQ node {NodeName}");
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            try
            {
                StopAsync().GetAwaiter().GetResult();
            }
            catch (Exception exception) when (exception is TimeoutException or InvalidOperationException)
            {
                // Killed below: a node that does not stop gracefully at teardown must still go.
            }
        }
        _process?.Dispose();
    }
}

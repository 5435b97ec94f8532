using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RabbitMQ.Client;

namespace Coffer.Platform.Tests.Jobs.RabbitMq;

/// <summary>
/// A RabbitMQ node of the test's own — its own node name, AMQP and distribution ports on loopback, data, logs and Erlang
/// cookie in a temporary directory, no plugins — which the test may stop and start again on the same data, so that what
/// the broker had confirmed survives. It registers with the machine's epmd, which the shared
/// broker of the test run has started. Booting takes about 4 s on the 2-core CI machine.
/// </summary>
internal sealed class ThrowawayRabbitMq : IAsyncDisposable
{
    private const string Server = "/usr/lib/rabbitmq/bin/rabbitmq-server"; // the node itself, not Debian's wrapper that switches user
    private static readonly TimeSpan BootLimit = TimeSpan.FromSeconds(60);

    private readonly string _directory;
    private readonly string _nodeName;
    private readonly int _distributionPort;
    private Process? _process;

    private ThrowawayRabbitMq(string directory, int port, int distributionPort)
    {
        _directory = directory;
        _nodeName = $"coffer-test-{Guid.NewGuid():N}@localhost";
        Port = port;
        _distributionPort = distributionPort;
    }

    public int Port { get; }
    public string Uri => $"amqp://guest:guest@127.0.0.1:{Port}/";

    public static async Task<ThrowawayRabbitMq> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("coffer-rabbitmq-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "enabled_plugins"), "[].");
        await File.WriteAllTextAsync(Path.Combine(directory, "rabbitmq.conf"), "");
        var broker = new ThrowawayRabbitMq(directory, FreePort(), FreePort());
        await broker.StartAgainAsync();
        return broker;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Starts the node (again, on the same data) and returns once it accepts AMQP connections.</summary>
    public async Task StartAgainAsync()
    {
        if (!File.Exists(Server))
        {
            throw new InvalidOperationException($"{Server} is missing (is rabbitmq-server installed? test.sh installs it)");
        }
        var info = new ProcessStartInfo(Server) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        var environment = new Dictionary<string, string>
        {
            ["RABBITMQ_NODENAME"] = _nodeName,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = _distributionPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(_directory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(_directory, "log"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_directory, "enabled_plugins"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(_directory, "rabbitmq.conf"),
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["HOME"] = _directory, // the Erlang cookie
        };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        _process = Process.Start(info) ?? throw new InvalidOperationException($"{Server} did not start");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilItAcceptsConnectionsAsync();
    }

    private async Task WaitUntilItAcceptsConnectionsAsync()
    {
        var factory = new ConnectionFactory { Uri = new Uri(Uri), AutomaticRecoveryEnabled = false, RequestedConnectionTimeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + BootLimit;
        while (true)
        {
            if (_process is { HasExited: true } exited)
            {
                throw new InvalidOperationException($"The throwaway RabbitMQ node exited with code {exited.ExitCode} (logs in {_directory}/log)");
            }
            try
            {
                await using var connection = await factory.CreateConnectionAsync();
                await connection.CloseAsync();
                return;
            }
            catch (Exception failure) when (failure is RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException or SocketException
                && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>
    /// Stops the node as an operator or Kubernetes does (SIGTERM: the broker closes every client connection and shuts down
    /// cleanly) and waits until it is gone; kills it if it takes longer than 30 s.
    /// </summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])))
            {
                await term!.WaitForExitAsync();
            }
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // a file the dying node still wrote to; the temporary directory is cleaned with the machine
        }
    }
}

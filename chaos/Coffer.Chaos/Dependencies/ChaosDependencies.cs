namespace Coffer.Chaos.Dependencies;

/// <summary>
/// PostgreSQL, Redis and RabbitMQ of the harness's own, in one work directory under /tmp, on the ports of
/// <see cref="ChaosPorts"/>. Faults are injected here, never into the shared services other test suites use. Disposing
/// stops all three and deletes the work directory (unless asked to keep it for a post-mortem).
/// </summary>
internal sealed class ChaosDependencies : IAsyncDisposable
{
    public const string DatabaseName = "coffer_chaos";

    private readonly bool _keepWorkDirectory;

    private ChaosDependencies(string root, ChaosPorts ports, PostgresInstance postgres, RedisInstance redis, RabbitMqInstance rabbitMq,
        bool keepWorkDirectory)
    {
        Root = root;
        Ports = ports;
        Postgres = postgres;
        Redis = redis;
        RabbitMq = rabbitMq;
        _keepWorkDirectory = keepWorkDirectory;
    }

    public string Root { get; }
    public ChaosPorts Ports { get; }
    public PostgresInstance Postgres { get; }
    public RedisInstance Redis { get; }
    public RabbitMqInstance RabbitMq { get; }

    public string AppConnectionString => Postgres.ConnectionString(DatabaseName, "coffer_app");
    public string OwnerConnectionString => Postgres.ConnectionString(DatabaseName, "coffer_owner");

    public static async Task<ChaosDependencies> StartAsync(ChaosPorts ports, bool keepWorkDirectory, Action<string> log)
    {
        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException("The chaos harness runs as root: it starts PostgreSQL as the postgres user and its own RabbitMQ node.");
        }
        // Short: PostgreSQL's unix socket path (root/pg/.s.PGSQL.port) must stay under 107 characters.
        var root = Path.Combine("/tmp", $"coffer-chaos-{Guid.NewGuid():N}"[..21]);
        Directory.CreateDirectory(root);
        log($"dependencies in {root}: {ports}");
        RabbitMqInstance? rabbitMq = null;
        PostgresInstance? postgres = null;
        RedisInstance? redis = null;
        try
        {
            // RabbitMQ boots slowest: it boots while PostgreSQL is created.
            rabbitMq = await RabbitMqInstance.LaunchNewAsync(Path.Combine(root, "rabbitmq"), ports.Amqp, ports.ErlangDistribution);
            postgres = await PostgresInstance.StartNewAsync(Path.Combine(root, "pg"), ports.Postgres, DatabaseName, RepositoryFiles.PostgresRolesScript);
            redis = await RedisInstance.StartNewAsync(Path.Combine(root, "redis"), ports.Redis);
            await rabbitMq.WaitUntilReadyAsync();
            return new ChaosDependencies(root, ports, postgres, redis, rabbitMq, keepWorkDirectory);
        }
        catch
        {
            redis?.Dispose();
            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }
            rabbitMq?.Dispose();
            TryDelete(root, keepWorkDirectory);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        RabbitMq.Dispose();
        Redis.Dispose();
        await Postgres.DisposeAsync();
        TryDelete(Root, _keepWorkDirectory);
    }

    private static void TryDelete(string root, bool keep)
    {
        if (keep)
        {
            return;
        }
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A process may still be closing a log file; /tmp is cleaned by the OS later.
        }
    }
}

using Npgsql;

namespace Coffer.Chaos.Dependencies;

/// <summary>
/// A PostgreSQL 15 cluster of the harness's own: initdb in its work directory (as the postgres OS user), 127.0.0.1 only,
/// trust authentication on loopback, the roles of scripts/pg-roles.sql. The fault injector restarts it (fast or immediate
/// mode); disposing stops it immediately.
/// </summary>
internal sealed class PostgresInstance : IAsyncDisposable
{
    private const string Binaries = "/usr/lib/postgresql/15/bin";
    private static readonly TimeSpan ToolLimit = TimeSpan.FromSeconds(90);

    private readonly string _dataDirectory;
    private readonly string _logFile;

    private PostgresInstance(string root, int port)
    {
        Root = root;
        Port = port;
        _dataDirectory = Path.Combine(root, "data");
        _logFile = Path.Combine(root, "postgres.log");
    }

    public string Root { get; }
    public int Port { get; }

    /// <summary>Creates, configures and starts the cluster, then the Coffer roles (scripts/pg-roles.sql) and <paramref name="database"/>.</summary>
    public static async Task<PostgresInstance> StartNewAsync(string root, int port, string database, string rolesScript)
    {
        Directory.CreateDirectory(root);
        (await ExternalCommand.RunAsync("chown", ["postgres:postgres", root], ToolLimit)).EnsureSuccess();
        var instance = new PostgresInstance(root, port);
        (await ExternalCommand.RunAsync(Tool("initdb"),
            ["-D", instance._dataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"],
            ToolLimit, asPostgres: true)).EnsureSuccess();
        string[] settings =
        [
            "",
            "# coffer chaos harness",
            $"port = {port}",
            "listen_addresses = '127.0.0.1'",
            $"unix_socket_directories = '{root}'",
            "max_connections = 200",
            "shared_buffers = 128MB",
            // Durable as in production: an immediate stop must lose nothing that was committed.
            "fsync = on",
            "synchronous_commit = on",
        ];
        await File.AppendAllLinesAsync(Path.Combine(instance._dataDirectory, "postgresql.conf"), settings);
        await instance.StartAsync();
        // A copy the postgres user can read wherever the repository lives.
        var rolesCopy = Path.Combine(root, "pg-roles.sql");
        File.Copy(rolesScript, rolesCopy, overwrite: true);
        (await ExternalCommand.RunAsync(Tool("psql"),
            ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", port.ToString(), "-U", "postgres", "-d", "postgres", "-f", rolesCopy],
            ToolLimit, asPostgres: true)).EnsureSuccess();
        await using var connection = new NpgsqlConnection(instance.ConnectionString("postgres", "postgres"));
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {database} OWNER coffer_owner", connection);
        await create.ExecuteNonQueryAsync();
        return instance;
    }

    public bool IsRunning => File.Exists(Path.Combine(_dataDirectory, "postmaster.pid"));

    public async Task StartAsync() =>
        (await ExternalCommand.RunAsync(Tool("pg_ctl"), ["-D", _dataDirectory, "-l", _logFile, "-w", "-t", "60", "start"],
            ToolLimit, asPostgres: true)).EnsureSuccess();

    /// <summary><c>pg_ctl stop -m fast</c> (sessions ended, checkpoint) or <c>-m immediate</c> (no checkpoint: crash recovery at start).</summary>
    public async Task StopAsync(bool immediate) =>
        (await ExternalCommand.RunAsync(Tool("pg_ctl"), ["-D", _dataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "-t", "60", "stop"],
            ToolLimit, asPostgres: true)).EnsureSuccess();

    /// <summary>No pooling: the cluster restarts under the harness, and no pooled connection may outlive a restart.</summary>
    public string ConnectionString(string database, string role) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Database = database,
            Username = role,
            Password = role,
            Pooling = false,
            Timeout = 15,
            CommandTimeout = 60,
        }.ConnectionString;

    public async ValueTask DisposeAsync()
    {
        if (IsRunning)
        {
            await ExternalCommand.RunAsync(Tool("pg_ctl"), ["-D", _dataDirectory, "-m", "immediate", "-w", "-t", "60", "stop"],
                ToolLimit, asPostgres: true);
        }
    }

    private static string Tool(string name) => Path.Combine(Binaries, name);
}

using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Coffer.Operations.Tests.Backup;

/// <summary>
/// A temporary directory under /tmp that holds throwaway PostgreSQL clusters, their WAL archive and backups.
/// Disposing it stops every cluster it knows (immediate shutdown) and deletes the directory, whatever happened.
/// </summary>
internal sealed class BackupWorkspace : IAsyncDisposable
{
    private readonly List<string> dataDirectories = [];
    private readonly Action<string> log;

    private BackupWorkspace(string root, Action<string> log)
    {
        Root = root;
        this.log = log;
    }

    public string Root { get; }

    public string SocketDirectory => Path.Combine(Root, "sock");

    public string ArchiveDirectory => Path.Combine(Root, "wal-archive");

    public string BackupDirectory => Path.Combine(Root, "backups");

    /// <summary>Coffer's data directory for the server and its verbs (the development signing key lives here).</summary>
    public string DataDirectory => Path.Combine(Root, "coffer-data");

    public static async Task<BackupWorkspace> CreateAsync(Action<string> log)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The backup scripts and their tests need Linux and PostgreSQL's binaries.");
        }
        // Short: the unix socket path (root + /sock/.s.PGSQL.port) must stay under 107 characters.
        var root = Path.Combine("/tmp", $"coffer-pitr-{Guid.NewGuid():N}"[..20]);
        var workspace = new BackupWorkspace(root, log);
        foreach (var directory in new[] { root, workspace.SocketDirectory, workspace.ArchiveDirectory, workspace.BackupDirectory })
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        if (BackupRepo.IsRoot)
        {
            (await Tool.RunAsync("chown", ["-R", "postgres:postgres", root])).EnsureSuccess();
        }
        return workspace;
    }

    /// <summary>A data directory to stop on disposal (also one a script starts).</summary>
    public string Track(string name)
    {
        var dataDirectory = Path.Combine(Root, name);
        dataDirectories.Add(dataDirectory);
        return dataDirectory;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var dataDirectory in dataDirectories)
        {
            if (!File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
            {
                continue;
            }
            try
            {
                await Tool.RunAsync(BackupRepo.Postgres("pg_ctl"), ["-D", dataDirectory, "-m", "immediate", "-w", "stop"],
                    asPostgres: true, timeout: TimeSpan.FromSeconds(30));
            }
            catch (Exception exception) when (exception is TimeoutException or InvalidOperationException)
            {
                log($"could not stop the cluster in {dataDirectory}: {exception.Message}");
            }
        }
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException exception)
        {
            log($"could not delete {Root}: {exception.Message}");
        }
    }
}

/// <summary>A PostgreSQL cluster of its own: initdb, trust authentication, 127.0.0.1 only, a port of 55400-55499.</summary>
internal sealed class ThrowawayCluster
{
    private ThrowawayCluster(string dataDirectory, int port)
    {
        DataDirectory = dataDirectory;
        Port = port;
    }

    public string DataDirectory { get; }

    public int Port { get; }

    /// <summary>Creates (initdb) and starts a cluster in the workspace with extra postgresql.conf lines.</summary>
    public static async Task<ThrowawayCluster> StartNewAsync(BackupWorkspace workspace, string name, int port, IEnumerable<string> settings)
    {
        var dataDirectory = workspace.Track(name);
        (await Tool.RunAsync(BackupRepo.Postgres("initdb"),
            ["-D", dataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"],
            asPostgres: true)).EnsureSuccess();
        string[] common =
        [
            $"port = {port}",
            "listen_addresses = '127.0.0.1'",
            $"unix_socket_directories = '{workspace.SocketDirectory}'",
            "max_connections = 20",
            "shared_buffers = 16MB",
            // Throwaway: durability of the cluster itself does not matter, the archive script fsyncs anyway.
            "fsync = off",
        ];
        await File.AppendAllLinesAsync(Path.Combine(dataDirectory, "postgresql.conf"), ["", "# throwaway test cluster", .. common, .. settings]);
        var cluster = new ThrowawayCluster(dataDirectory, port);
        (await Tool.RunAsync(BackupRepo.Postgres("pg_ctl"),
            ["-D", dataDirectory, "-l", Path.Combine(workspace.Root, $"{name}.log"), "-w", "-t", "60", "start"],
            asPostgres: true, timeout: TimeSpan.FromSeconds(70))).EnsureSuccess();
        return cluster;
    }

    /// <summary>A cluster that something else (pg-restore.sh) starts in a tracked data directory.</summary>
    public static ThrowawayCluster Existing(string dataDirectory, int port) => new(dataDirectory, port);

    public string ConnectionString(string database, string username = "postgres") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Database = database,
            Username = username,
            // Clusters come and go within one test: no pooled connection may outlive its server.
            Pooling = false,
            Timeout = 10,
        }.ConnectionString;

    public async Task ExecuteAsync(string database, string sql, string username = "postgres")
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database, username));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task StopAsync() =>
        (await Tool.RunAsync(BackupRepo.Postgres("pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "stop"],
            asPostgres: true)).EnsureSuccess();

    /// <summary>Ports of 55400-55499 that nothing listens on right now, starting at a random one.</summary>
    public static List<int> FreePorts(int count)
    {
        var ports = new List<int>();
        var start = Random.Shared.Next(100);
        for (var i = 0; i < 100 && ports.Count < count; i++)
        {
            var port = 55400 + (start + i) % 100;
            if (IsFree(port))
            {
                ports.Add(port);
            }
        }
        return ports.Count == count ? ports : throw new InvalidOperationException("No free port in 55400-55499.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

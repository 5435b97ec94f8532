using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Coffer.Platform.Persistence;

/// <summary>
/// The process-wide connection source. PostgreSQL goes through one pooled <see cref="NpgsqlDataSource"/>;
/// SQLite keeps its own open connections to a WAL file with their prepared statements (<see cref="SqliteConnectionPool"/>),
/// and serialises writers in-process with an async gate,
/// because SQLite admits one writer at a time and an async wait beats busy-polling the file lock.
/// </summary>
public sealed class CofferDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _postgres;
    private readonly SqliteConnectionPool? _sqlite;

    public CofferDatabase(DatabaseOptions options)
    {
        Options = options;
        if (options.Provider == DatabaseProvider.Postgres)
        {
            _postgres = BuildPostgresDataSource(options.ConnectionString, options.LockTimeoutMilliseconds);
        }
        else
        {
            // Coffer keeps its own SQLite connections (with their prepared statements) instead of the driver's pool.
            var connectionString = new SqliteConnectionStringBuilder(BuildSqliteConnectionString(options.ConnectionString)) { Pooling = false };
            _sqlite = new SqliteConnectionPool(connectionString.ToString());
        }
    }

    public DatabaseOptions Options { get; }
    public DatabaseProvider Provider => Options.Provider;

    /// <summary>Held by the one SQLite writer of this process; unused on PostgreSQL.</summary>
    internal SemaphoreSlim SqliteWriteGate { get; } = new(1, 1);

    private SqliteConnection? _sqliteWriter;

    /// <summary>
    /// The connection every SQLite write transaction of this process runs on, used only by the holder of
    /// <see cref="SqliteWriteGate"/>. Each SQLite connection has its own page cache, and a connection must re-read every
    /// page another connection changed; one writer connection keeps the pages its own transactions wrote, instead of
    /// each pooled connection reading them back from the WAL inside the serial section.
    /// </summary>
    internal async ValueTask<SqliteConnection> SqliteWriterAsync(CancellationToken cancellationToken) =>
        _sqliteWriter ??= await _sqlite!.RentWriterAsync(cancellationToken);

    private SqliteConnection? _sqliteCheckpointer;

    /// <summary>
    /// One PASSIVE checkpoint of the write-ahead log, on a connection kept for it (<see cref="SqliteCheckpointer"/>, its
    /// only caller, never runs two at once). Needs no gate: a passive checkpoint waits for nobody.
    /// </summary>
    internal async Task CheckpointSqliteAsync(CancellationToken cancellationToken)
    {
        var sqlite = _sqlite!;
        _sqliteCheckpointer ??= await sqlite.RentAsync(cancellationToken);
        var command = sqlite.CommandFor(_sqliteCheckpointer, "PRAGMA wal_checkpoint(PASSIVE);");
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException)
        {
            var failed = _sqliteCheckpointer;
            _sqliteCheckpointer = null;
            await sqlite.ReturnAsync(failed, broken: true);
            throw;
        }
    }

    /// <summary>Closes a writer connection that failed; the next transaction opens a new one (gate holder only).</summary>
    internal async ValueTask DiscardSqliteWriterAsync()
    {
        if (_sqliteWriter is { } writer)
        {
            _sqliteWriter = null;
            await _sqlite!.ReturnAsync(writer, broken: true);
        }
    }

    public async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(cancellationToken);
        }
        return await _sqlite!.RentAsync(cancellationToken);
    }

    /// <summary>
    /// Gives a connection from <see cref="OpenConnectionAsync"/> back. PostgreSQL connections return to Npgsql's pool;
    /// SQLite ones to Coffer's, with their prepared statements, unless <paramref name="broken"/>.
    /// </summary>
    public ValueTask ReleaseConnectionAsync(DbConnection connection, bool broken = false) =>
        connection is SqliteConnection sqlite ? _sqlite!.ReturnAsync(sqlite, broken) : connection.DisposeAsync();

    /// <summary>The kept, prepared command of a SQLite connection for <paramref name="sql"/> (parameters cleared).</summary>
    internal SqliteCommand SqliteCommandFor(SqliteConnection connection, string sql) => _sqlite!.CommandFor(connection, sql);

    public static string BuildSqliteConnectionString(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            ForeignKeys = true,
            Pooling = true,
            DefaultTimeout = 30,
        };
        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        return builder.ToString();
    }

    public static NpgsqlDataSource BuildPostgresDataSource(string connectionString, int lockTimeoutMilliseconds)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var csb = builder.ConnectionStringBuilder;
        if (string.IsNullOrEmpty(csb.Options))
        {
            // A bounded lock wait turns a stuck lock into an answer instead of a hung request.
            csb.Options = $"-c lock_timeout={lockTimeoutMilliseconds}";
        }
        // Lets a failure be attributed to its statement (e.g. the idempotency-key claim) by tag.
        csb.IncludeFailedBatchedCommand = true;
        if (csb.MaxAutoPrepare == 0)
        {
            csb.MaxAutoPrepare = 64;
            csb.AutoPrepareMinUsages = 2;
        }
        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
        if (_sqlite is not null)
        {
            foreach (var kept in new[] { _sqliteWriter, _sqliteCheckpointer })
            {
                if (kept is not null)
                {
                    await _sqlite.ReturnAsync(kept, broken: true);
                }
            }
            await _sqlite.DisposeAsync();
        }
        SqliteWriteGate.Dispose();
    }
}

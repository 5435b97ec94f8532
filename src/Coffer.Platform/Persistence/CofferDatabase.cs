using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Coffer.Platform.Persistence;

/// <summary>
/// The process-wide connection source. PostgreSQL goes through one pooled <see cref="NpgsqlDataSource"/>;
/// SQLite opens pooled connections to a WAL file, and serialises writers in-process with an async gate,
/// because SQLite admits one writer at a time and an async wait beats busy-polling the file lock.
/// </summary>
public sealed class CofferDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _postgres;
    private readonly string? _sqliteConnectionString;

    public CofferDatabase(DatabaseOptions options)
    {
        Options = options;
        if (options.Provider == DatabaseProvider.Postgres)
        {
            _postgres = BuildPostgresDataSource(options.ConnectionString, options.LockTimeoutMilliseconds);
        }
        else
        {
            _sqliteConnectionString = BuildSqliteConnectionString(options.ConnectionString);
        }
    }

    public DatabaseOptions Options { get; }
    public DatabaseProvider Provider => Options.Provider;

    /// <summary>Held by the one SQLite writer of this process; unused on PostgreSQL.</summary>
    internal SemaphoreSlim SqliteWriteGate { get; } = new(1, 1);

    public async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(cancellationToken);
        }
        var connection = new SqliteConnection(_sqliteConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        // WAL with synchronous=NORMAL survives a killed process (the crash-safety contract);
        // only an operating-system crash could lose the last commits.
        pragma.CommandText = "PRAGMA synchronous=NORMAL;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        // PostgreSQL has it as a SQL function (created by migration); SQLite gets the same function per connection.
        connection.CreateFunction<string, string, string>(Audit.AuditHashing.SqlFunctionName, Audit.AuditHashing.ChainHash, isDeterministic: true);
        return connection;
    }

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
        SqliteWriteGate.Dispose();
    }
}

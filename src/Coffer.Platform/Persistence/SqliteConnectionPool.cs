using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Coffer.Platform.Persistence;

/// <summary>
/// Open SQLite connections kept for reuse, each with its prepared statements. Microsoft.Data.Sqlite prepares a
/// statement per command object, and its own pool hands out a new connection object each time, so every statement
/// would be parsed and planned again on every request, inside the writer's serial section. Here a connection and its
/// commands live on: a statement is prepared once per connection and only re-bound after that.
/// </summary>
internal sealed class SqliteConnectionPool(string connectionString) : IAsyncDisposable
{
    /// <summary>Idle connections kept; more are closed when returned.</summary>
    public const int MaxIdle = 32;

    /// <summary>Distinct statements kept per connection; past it the cache starts over (dynamic SQL cannot grow it forever).</summary>
    public const int MaxStatementsPerConnection = 256;

    private readonly ConcurrentBag<SqliteConnection> _idle = [];
    private readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> _statements = new();
    private volatile bool _disposed;

    /// <summary>Page cache of the writer connection (negative: KiB), large enough to keep the hot B-tree pages.</summary>
    public const int WriterCacheKibibytes = 65536;

    /// <summary>
    /// The writer checkpoints by itself once the log holds this many pages (SQLite's default: 1,000). By then
    /// <see cref="SqliteCheckpointer"/> has copied nearly all of them outside the writer's serial section, so this
    /// checkpoint is short; it is also what lets the log start over (a background checkpoint rarely completes just as a
    /// writer begins), which keeps the log file near this size (≈ 16 MiB).
    /// </summary>
    public const int WriterAutoCheckpointPages = 4_000;

    public async ValueTask<SqliteConnection> RentAsync(CancellationToken cancellationToken)
    {
        while (_idle.TryTake(out var idle))
        {
            if (idle.State == System.Data.ConnectionState.Open)
            {
                return idle;
            }
            await DisposeAsync(idle);
        }
        return await OpenAsync(cancellationToken);
    }

    /// <summary>A new connection for the process's writer (never pooled), with a larger page cache.</summary>
    public async ValueTask<SqliteConnection> RentWriterAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA cache_size=-{WriterCacheKibibytes}; PRAGMA wal_autocheckpoint={WriterAutoCheckpointPages};";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private async ValueTask<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
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

    /// <summary>The connection's command for <paramref name="sql"/>, prepared on its first execution and kept.</summary>
    public SqliteCommand CommandFor(SqliteConnection connection, string sql)
    {
        var commands = _statements.GetValue(connection, _ => new Dictionary<string, SqliteCommand>(StringComparer.Ordinal));
        if (commands.TryGetValue(sql, out var command))
        {
            command.Parameters.Clear();
            return command;
        }
        if (commands.Count >= MaxStatementsPerConnection)
        {
            DisposeCommands(commands);
        }
        command = connection.CreateCommand();
        command.CommandText = sql;
        commands[sql] = command;
        return command;
    }

    /// <summary>Takes a healthy connection back; a broken one, or any after disposal, is closed.</summary>
    public async ValueTask ReturnAsync(SqliteConnection connection, bool broken)
    {
        if (broken || _disposed || connection.State != System.Data.ConnectionState.Open || _idle.Count >= MaxIdle)
        {
            await DisposeAsync(connection);
            return;
        }
        _idle.Add(connection);
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (_idle.TryTake(out var connection))
        {
            await DisposeAsync(connection);
        }
    }

    private async ValueTask DisposeAsync(SqliteConnection connection)
    {
        if (_statements.TryGetValue(connection, out var commands))
        {
            DisposeCommands(commands);
            _statements.Remove(connection);
        }
        await connection.DisposeAsync();
    }

    private static void DisposeCommands(Dictionary<string, SqliteCommand> commands)
    {
        foreach (var command in commands.Values)
        {
            command.Dispose();
        }
        commands.Clear();
    }
}

using System.Data.Common;
using System.Diagnostics;
using Coffer.Platform.Observability;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coffer.Platform.Persistence;

/// <summary>
/// The unit of work of one request or job: one connection and at most one transaction at a time.
/// Statements are sent in as few round trips as the engine allows: on PostgreSQL, BEGIN, deferred
/// statements (such as the idempotency-key claim) and the caller's statements travel in one batch,
/// and the final writes travel with COMMIT. On SQLite the same statements run one by one in-process, and every
/// transaction runs on the process's one writer connection under the writer gate (<see cref="CofferDatabase.SqliteWriterAsync"/>).
/// Each round trip is a span of <see cref="CofferTelemetry.Database"/>; lock conflicts are counted by <see cref="Operation"/>.
/// </summary>
public sealed partial class DbSession(CofferDatabase database, ILogger<DbSession> logger, PlatformMetrics? metrics = null) : IAsyncDisposable
{
    private readonly List<Action> _onCommitted = [];
    private DbConnection? _connection;
    /// <summary>The process's SQLite writer connection, while this session's transaction holds the writer gate.</summary>
    private SqliteConnection? _writer;
    private SqliteTransaction? _sqliteTransaction;
    private bool _beginPending;
    private bool _holdsWriteGate;
    private readonly List<SqlStatement> _deferred = [];

    public DatabaseProvider Provider => database.Provider;
    public bool InTransaction { get; private set; }

    /// <summary>Value of <see cref="TenantScope"/> for Coffer's own cross-tenant work (sweepers, reconciliation, purges).</summary>
    public const string AllTenants = "*";

    /// <summary>PostgreSQL setting the row-level security policies compare each row's <c>tenant_id</c> with.</summary>
    public const string TenantSetting = "coffer.tenant";

    /// <summary>
    /// The tenant whose rows this unit of work may see on PostgreSQL (row-level security): the caller's tenant for a
    /// request (set after authentication), <see cref="AllTenants"/> for Coffer's own cross-tenant work, and nothing
    /// (no rows at all) otherwise. Sent as a transaction-local setting at the start of every transaction, and with every
    /// round trip outside one.
    /// </summary>
    public string? TenantScope { get; set; }

    /// <summary>What this unit of work is (a route template or a worker's name): the bounded label of its metrics.</summary>
    public string Operation { get; set; } = "unspecified";

    /// <summary>
    /// Runs <paramref name="action"/> once the current transaction has committed (never if it rolls back):
    /// the place to count what a transaction did.
    /// </summary>
    public void OnCommitted(Action action)
    {
        EnsureTransaction();
        _onCommitted.Add(action);
    }

    /// <summary>True once a statement of the current transaction reached the database.</summary>
    public bool TransactionTouchedDatabase { get; private set; }

    public async Task BeginAsync(CancellationToken cancellationToken)
    {
        if (InTransaction)
        {
            throw new InvalidOperationException("A transaction is already open in this session.");
        }
        if (Provider == DatabaseProvider.Sqlite)
        {
            if (!await database.SqliteWriteGate.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken))
            {
                throw new DbFailureException(DbFailureKind.Transient, "begin", null,
                    new SqliteException("Timed out waiting for the SQLite writer gate.", 5));
            }
            _holdsWriteGate = true;
            try
            {
                _writer = await database.SqliteWriterAsync(cancellationToken);
                _sqliteTransaction = _writer.BeginTransaction(deferred: false);
            }
            catch (SqliteException exception)
            {
                await AbandonBeginAsync();
                throw Translate(exception, "begin");
            }
            catch
            {
                await AbandonBeginAsync();
                throw;
            }
        }
        else
        {
            await EnsureConnectionAsync(cancellationToken);
            _beginPending = true;
        }
        InTransaction = true;
        TransactionTouchedDatabase = false;
    }

    /// <summary>A SQLite BEGIN that failed: the writer connection is replaced and the gate given back.</summary>
    private async Task AbandonBeginAsync()
    {
        if (_writer is not null)
        {
            await database.DiscardSqliteWriterAsync();
            _writer = null;
        }
        _holdsWriteGate = false;
        database.SqliteWriteGate.Release();
    }

    /// <summary>Queues a statement to run at the head of the next round trip of this transaction.</summary>
    public void Defer(SqlStatement statement)
    {
        if (!InTransaction)
        {
            throw new InvalidOperationException("Deferred statements need an open transaction.");
        }
        _deferred.Add(statement);
    }

    /// <summary>Runs the statements and returns the rows each one affected.</summary>
    public async Task<int[]> ExecuteAsync(IReadOnlyList<SqlStatement> statements, CancellationToken cancellationToken)
    {
        var (affected, _) = await RunAsync<object>(statements, null, null, cancellationToken);
        return affected;
    }

    /// <summary>Runs <paramref name="before"/> and then one query, mapping each row of its result.</summary>
    public async Task<List<T>> QueryAsync<T>(
        IReadOnlyList<SqlStatement> before, SqlStatement query, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        var (_, rows) = await RunAsync(before, query, map, cancellationToken);
        return rows!;
    }

    public Task<List<T>> QueryAsync<T>(SqlStatement query, Func<DbDataReader, T> map, CancellationToken cancellationToken) =>
        QueryAsync([], query, map, cancellationToken);

    /// <summary>Runs the final statements and commits, in one round trip on PostgreSQL.</summary>
    public async Task<int[]> CommitAsync(IReadOnlyList<SqlStatement> final, CancellationToken cancellationToken)
    {
        EnsureTransaction();
        int[] affected;
        if (Provider == DatabaseProvider.Postgres)
        {
            var statements = final.Append(SqlStatement.Of("COMMIT")).ToArray();
            (affected, _) = await RunAsync<object>(statements, null, null, cancellationToken);
            affected = affected[..^1];
        }
        else
        {
            (affected, _) = await RunAsync<object>(final, null, null, cancellationToken);
            await _sqliteTransaction!.CommitAsync(cancellationToken);
        }
        var committed = _onCommitted.ToArray();
        EndTransaction();
        foreach (var action in committed)
        {
            action();
        }
        return affected;
    }

    public async Task RollbackAsync()
    {
        if (!InTransaction)
        {
            return;
        }
        try
        {
            if (_sqliteTransaction is not null)
            {
                await _sqliteTransaction.RollbackAsync();
            }
            else if (!_beginPending && _connection is NpgsqlConnection pg && pg.FullState == System.Data.ConnectionState.Open)
            {
                // A lost connection has no transaction left; EnsureConnectionAsync replaces it on its next use.
                await using var rollback = pg.CreateCommand();
                rollback.CommandText = "ROLLBACK";
                await rollback.ExecuteNonQueryAsync();
            }
        }
        catch (DbException)
        {
            // A broken connection has no transaction left to roll back; drop it so the pool never reuses it.
            if (_writer is not null)
            {
                await database.DiscardSqliteWriterAsync();
            }
            else
            {
                await DropConnectionAsync();
            }
        }
        finally
        {
            EndTransaction();
        }
    }

    private async Task<(int[] Affected, List<T>? Rows)> RunAsync<T>(
        IReadOnlyList<SqlStatement> statements, SqlStatement? query, Func<DbDataReader, T>? map, CancellationToken cancellationToken)
    {
        var connection = _writer ?? await EnsureConnectionAsync(cancellationToken);
        var all = new List<SqlStatement>(_deferred.Count + statements.Count + 3);
        if (_beginPending)
        {
            all.Add(SqlStatement.Of("BEGIN"));
        }
        if (Provider == DatabaseProvider.Postgres && (!InTransaction || _beginPending))
        {
            // Inside a transaction the setting is local to it; outside, it is set again with every round trip,
            // so a pooled connection never carries one request's tenant into another's.
            // A SELECT of no rows, so that it adds nothing to the rows the batch's query returns.
            all.Add(SqlStatement.Tagged("tenant_scope", $"SELECT 1 WHERE set_config('{TenantSetting}', @tenant, @local) IS NULL",
                ("tenant", TenantScope ?? ""), ("local", InTransaction)));
        }
        all.AddRange(_deferred);
        all.AddRange(statements);
        if (query is not null)
        {
            all.Add(query);
        }
        var prefix = all.Count - statements.Count - (query is null ? 0 : 1);
        _deferred.Clear();
        _beginPending = false;
        if (InTransaction)
        {
            TransactionTouchedDatabase = true;
        }
        var started = Stopwatch.GetTimestamp();
        using var activity = StartActivity(all);
        int[] affected;
        List<T>? rows;
        try
        {
            (affected, rows) = connection is NpgsqlConnection pg
                ? await RunPostgresAsync(pg, all, query is not null, map, cancellationToken)
                : await RunSqliteAsync((SqliteConnection)connection, all, query is not null, map, cancellationToken);
        }
        catch (DbFailureException failure)
        {
            activity?.SetStatus(ActivityStatusCode.Error, failure.Kind.ToString());
            activity?.SetTag("error.type", failure.Kind.ToString());
            if (failure.IsLockConflict)
            {
                metrics?.LockConflict(Operation);
            }
            throw;
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (elapsed.TotalMilliseconds >= database.Options.SlowCommandMilliseconds)
        {
            LogSlowCommand(logger, Math.Round(elapsed.TotalMilliseconds, 1), all.Count, DescribeForLog(all));
        }
        return (affected[prefix..(prefix + statements.Count)], rows);
    }

    private static async Task<(int[], List<T>?)> RunPostgresAsync<T>(
        NpgsqlConnection connection, List<SqlStatement> statements, bool lastIsQuery, Func<DbDataReader, T>? map,
        CancellationToken cancellationToken)
    {
        await using var batch = connection.CreateBatch();
        foreach (var statement in statements)
        {
            var command = new NpgsqlBatchCommand(statement.Sql);
            foreach (var (name, value) in statement.Parameters)
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }
            batch.BatchCommands.Add(command);
        }
        List<T>? rows = lastIsQuery ? [] : null;
        try
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            do
            {
                // Only the query returns rows: every other statement of a batch returns none (Npgsql skips
                // statements without a result set; the tenant-scope statement is a SELECT of no rows).
                if (reader.FieldCount > 0 && rows is not null)
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        rows.Add(map!(reader));
                    }
                }
            }
            while (await reader.NextResultAsync(cancellationToken));
        }
        catch (PostgresException exception)
        {
            var index = exception.BatchCommand is { } failed ? batch.BatchCommands.IndexOf(failed) : -1;
            throw Translate(exception, index >= 0 ? statements[index].Tag : null);
        }
        catch (NpgsqlException exception)
        {
            throw Translate(exception, null);
        }
        var affected = new int[batch.BatchCommands.Count];
        for (var i = 0; i < affected.Length; i++)
        {
            affected[i] = batch.BatchCommands[i].RecordsAffected;
        }
        return (affected, rows);
    }

    private async Task<(int[], List<T>?)> RunSqliteAsync<T>(
        SqliteConnection connection, List<SqlStatement> statements, bool lastIsQuery, Func<DbDataReader, T>? map,
        CancellationToken cancellationToken)
    {
        var affected = new int[statements.Count];
        List<T>? rows = null;
        for (var i = 0; i < statements.Count; i++)
        {
            var command = database.SqliteCommandFor(connection, statements[i].Sql);
            command.Transaction = _sqliteTransaction;
            foreach (var (name, value) in statements[i].Parameters)
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }
            try
            {
                if (lastIsQuery && i == statements.Count - 1)
                {
                    rows = [];
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        rows.Add(map!(reader));
                    }
                }
                else
                {
                    affected[i] = await command.ExecuteNonQueryAsync(cancellationToken);
                }
            }
            catch (SqliteException exception)
            {
                throw Translate(exception, statements[i].Tag);
            }
        }
        return (affected, rows);
    }

    /// <summary>A client span named by the statements' tags; parameters are never recorded.</summary>
    private Activity? StartActivity(List<SqlStatement> statements)
    {
        if (!CofferTelemetry.Database.HasListeners())
        {
            return null;
        }
        var system = Provider == DatabaseProvider.Postgres ? "postgresql" : "sqlite";
        var activity = CofferTelemetry.Database.StartActivity($"db {system}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("db.system.name", system);
            activity.SetTag("db.operation.name", DescribeForLog(statements));
            activity.SetTag("db.operation.batch.size", statements.Count);
            activity.SetTag("coffer.operation", Operation);
        }
        return activity;
    }

    /// <summary>Tags, or the start of the SQL text: parameters are never logged, so no value can leak.</summary>
    private static string DescribeForLog(List<SqlStatement> statements) => string.Join(" | ", statements
        .Where(s => s.Sql is not ("BEGIN" or "COMMIT"))
        .Select(s => s.Tag ?? Compact(s.Sql)));

    private static string Compact(string sql)
    {
        var oneLine = string.Join(' ', sql.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= 80 ? oneLine : oneLine[..80] + "…";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slow database round trip: {ElapsedMilliseconds} ms for {StatementCount} statement(s): {Statements}")]
    private static partial void LogSlowCommand(ILogger logger, double elapsedMilliseconds, int statementCount, string statements);

    private static DbFailureException Translate(DbException exception, string? tag) =>
        new(DbFailureException.Classify(exception), tag, DbFailureException.TableOf(exception), exception,
            DbFailureException.ConstraintOf(exception));

    private async ValueTask<DbConnection> EnsureConnectionAsync(CancellationToken cancellationToken)
    {
        if (_connection is NpgsqlConnection { FullState: not System.Data.ConnectionState.Open })
        {
            // A connection lost between round trips. Outside a transaction, or before its BEGIN was sent, a new one does
            // the same work; in the middle of a transaction the work so far is gone, so the whole unit of work must rerun.
            await DropConnectionAsync();
            if (InTransaction && !_beginPending)
            {
                throw new DbFailureException(DbFailureKind.Transient, "connection", null,
                    new NpgsqlException("The database connection was lost in the middle of the transaction."));
            }
        }
        if (_connection is null)
        {
            try
            {
                _connection = await database.OpenConnectionAsync(cancellationToken);
            }
            catch (DbException exception)
            {
                throw Translate(exception, "open");
            }
        }
        return _connection;
    }

    private void EnsureTransaction()
    {
        if (!InTransaction)
        {
            throw new InvalidOperationException("No transaction is open in this session.");
        }
    }

    private void EndTransaction()
    {
        _sqliteTransaction?.Dispose();
        _sqliteTransaction = null;
        _writer = null;
        _beginPending = false;
        _deferred.Clear();
        _onCommitted.Clear();
        InTransaction = false;
        if (_holdsWriteGate)
        {
            _holdsWriteGate = false;
            database.SqliteWriteGate.Release();
        }
    }

    private async Task DropConnectionAsync()
    {
        if (_connection is not null)
        {
            await database.ReleaseConnectionAsync(_connection, broken: true);
        }
        _connection = null;
    }

    public async ValueTask DisposeAsync()
    {
        await RollbackAsync();
        if (_connection is not null)
        {
            await database.ReleaseConnectionAsync(_connection);
            _connection = null;
        }
    }
}

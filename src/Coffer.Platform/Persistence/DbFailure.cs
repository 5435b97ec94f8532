using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Coffer.Platform.Persistence;

/// <summary>What kind of database failure happened, independent of the engine.</summary>
public enum DbFailureKind
{
    /// <summary>Deadlock, serialization failure, busy database or dropped connection: safe to retry the whole unit of work.</summary>
    Transient,
    /// <summary>A lock was not granted within the lock timeout.</summary>
    LockTimeout,
    UniqueViolation,
    ForeignKeyViolation,
    CheckViolation,
    Other,
}

/// <summary>A database error attributed to the statement (by tag) that caused it.</summary>
public sealed class DbFailureException(DbFailureKind kind, string? statementTag, string? table, DbException inner, string? constraint = null)
    : Exception($"Database failure ({kind}) in statement '{statementTag ?? "?"}': {inner.Message}", inner)
{
    public DbFailureKind Kind { get; } = kind;
    public string? StatementTag { get; } = statementTag;
    public string? Table { get; } = table;

    /// <summary>The violated constraint (PostgreSQL) or the columns it covers (SQLite), for attributing a violation.</summary>
    public string? Constraint { get; } = constraint;

    public bool IsUniqueViolationOn(string column) =>
        Kind == DbFailureKind.UniqueViolation && Constraint?.Contains(column, StringComparison.OrdinalIgnoreCase) == true;

    public bool IsTransient => Kind == DbFailureKind.Transient;

    /// <summary>Two units of work wanted the same rows: deadlock, serialization failure, lock timeout or a busy SQLite.</summary>
    public bool IsLockConflict => Kind == DbFailureKind.LockTimeout || InnerException switch
    {
        PostgresException pg => pg.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure,
        SqliteException sqlite => sqlite.SqliteErrorCode is 5 or 6,
        _ => false,
    };

    internal static DbFailureKind Classify(DbException exception) => exception switch
    {
        PostgresException pg => pg.SqlState switch
        {
            PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected => DbFailureKind.Transient,
            PostgresErrorCodes.LockNotAvailable => DbFailureKind.LockTimeout,
            PostgresErrorCodes.UniqueViolation => DbFailureKind.UniqueViolation,
            PostgresErrorCodes.ForeignKeyViolation => DbFailureKind.ForeignKeyViolation,
            PostgresErrorCodes.CheckViolation => DbFailureKind.CheckViolation,
            PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CannotConnectNow => DbFailureKind.Transient,
            _ => DbFailureKind.Other,
        },
        NpgsqlException npgsql when npgsql.IsTransient => DbFailureKind.Transient,
        SqliteException sqlite => (sqlite.SqliteErrorCode, sqlite.SqliteExtendedErrorCode) switch
        {
            (5, _) or (6, _) => DbFailureKind.Transient, // SQLITE_BUSY, SQLITE_LOCKED
            (19, 2067) or (19, 1555) => DbFailureKind.UniqueViolation,
            (19, 787) => DbFailureKind.ForeignKeyViolation,
            (19, 275) => DbFailureKind.CheckViolation,
            _ => DbFailureKind.Other,
        },
        _ => DbFailureKind.Other,
    };

    internal static string? ConstraintOf(DbException exception) => exception switch
    {
        PostgresException pg => pg.ConstraintName,
        SqliteException sqlite when sqlite.Message.Split("failed: ") is [_, var columns] => columns.Trim(),
        _ => null,
    };

    internal static string? TableOf(DbException exception) => exception switch
    {
        PostgresException pg => pg.TableName,
        // SQLite names the columns: "UNIQUE constraint failed: idempotency_records.tenant_id, ..."
        SqliteException sqlite when sqlite.Message.Split("failed: ") is [_, var columns] =>
            columns.Split('.', 2)[0].Trim(),
        _ => null,
    };
}

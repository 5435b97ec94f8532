using Coffer.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Coffer.Migrations;

/// <summary>
/// <c>migrate up | down [N] | status</c>, the start-up check, and the grants that let the application
/// role (which owns no table) read and write what the schema owner created.
/// </summary>
public sealed class SchemaMigrator(DatabaseOptions options) : ISchemaStatus
{
    public async Task<SchemaState> GetAsync(CancellationToken cancellationToken)
    {
        await using var context = MigrationsContextFactory.Create(options);
        var applied = (await context.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
        var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        return new SchemaState(applied, pending);
    }

    public IReadOnlyList<string> KnownMigrations()
    {
        using var context = MigrationsContextFactory.Create(options);
        return context.Database.GetMigrations().ToList();
    }

    /// <summary>Applies every pending migration, then grants the application role its rights.</summary>
    public async Task<IReadOnlyList<string>> UpAsync(CancellationToken cancellationToken)
    {
        await using var context = MigrationsContextFactory.Create(options);
        var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await context.Database.MigrateAsync(cancellationToken);
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            // WAL is a property of the file: set once, kept by every later connection.
            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
        else
        {
            // Statistics from the start: without them a generic plan may scan a whole tenant to lock two accounts.
            await context.Database.ExecuteSqlRawAsync("ANALYZE;", cancellationToken);
        }
        await GrantApplicationRoleAsync(context, cancellationToken);
        return pending;
    }

    /// <summary>Reverts the last <paramref name="count"/> applied migrations (each has its Down).</summary>
    public async Task<IReadOnlyList<string>> DownAsync(int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        await using var context = MigrationsContextFactory.Create(options);
        var applied = (await context.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
        count = Math.Min(count, applied.Count);
        var target = applied.Count - count == 0 ? Migration.InitialDatabase : applied[applied.Count - count - 1];
        await context.GetService<IMigrator>().MigrateAsync(target, cancellationToken);
        return applied.Skip(applied.Count - count).Reverse().ToList();
    }

    /// <summary>True when the model in code differs from the last migration's snapshot (schema drift).</summary>
    public bool HasModelDrift()
    {
        using var context = MigrationsContextFactory.Create(options);
        return context.Database.HasPendingModelChanges();
    }

    /// <summary>
    /// Tables the application role may read and insert into, never change (the audit trail). The migration history is
    /// read-only to it, so the application can never fake a current schema.
    /// </summary>
    public static readonly IReadOnlyList<string> AppendOnlyTables = ["audit_events"];

    private async Task GrantApplicationRoleAsync(CofferMigrationsContext context, CancellationToken cancellationToken)
    {
        if (options.Provider != DatabaseProvider.Postgres)
        {
            return;
        }
        var owner = new NpgsqlConnectionStringBuilder(options.MigrationsConnectionString).Username;
        var application = new NpgsqlConnectionStringBuilder(options.ConnectionString).Username;
        if (string.IsNullOrEmpty(application) || application == owner)
        {
            return;
        }
        // The role name is quoted as an identifier; it comes from our own configuration.
        var role = new NpgsqlCommandBuilder().QuoteIdentifier(application);
        var grants =
            $"""
            GRANT USAGE ON SCHEMA public TO {role};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
            GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
            REVOKE UPDATE, DELETE, TRUNCATE ON {string.Join(", ", AppendOnlyTables)} FROM {role};
            REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {MigrationsContextFactory.HistoryTable} FROM {role};
            """;
        await context.Database.ExecuteSqlRawAsync(grants, cancellationToken);
    }
}

using System.Data.Common;
using Coffer.Platform.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Coffer.Testing;

/// <summary>Raw SQL on a test database, as the schema owner (an operator with psql) or as the application role.</summary>
public static class DatabaseShell
{
    /// <summary>An unopened connection: the owner's, or the application role's (PostgreSQL; SQLite has no roles).</summary>
    public static DbConnection Connection(TestDatabase database, bool asOwner = true) => database.Provider == DatabaseProvider.Postgres
        ? new NpgsqlConnection(asOwner ? database.AdminConnectionString : database.Options.ConnectionString)
        : new SqliteConnection(database.AdminConnectionString);

    public static Task<int> ExecuteAsync(TestDatabase database, string sql, bool asOwner = true) =>
        ExecuteAsync(database, sql, asOwner, []);

    /// <summary>Runs <paramref name="sql"/> with parameters: ids must travel as parameters, as each engine stores a uuid its own way.</summary>
    public static async Task<int> ExecuteAsync(TestDatabase database, string sql, bool asOwner, params (string Name, object Value)[] parameters)
    {
        await using var connection = Connection(database, asOwner);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return await command.ExecuteNonQueryAsync();
    }

    /// <param name="tenant">On PostgreSQL, the tenant whose rows the session may see under row-level security (as the application sets it).</param>
    public static async Task<T> ScalarAsync<T>(TestDatabase database, string sql, bool asOwner = true, string? tenant = null)
    {
        await using var connection = Connection(database, asOwner);
        await connection.OpenAsync();
        if (tenant is not null && database.Provider == DatabaseProvider.Postgres)
        {
            await using var scope = connection.CreateCommand();
            scope.CommandText = $"SELECT set_config('coffer.tenant', '{tenant.Replace("'", "''")}', false)";
            await scope.ExecuteNonQueryAsync();
        }
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// SQL that switches off the audit trail's append-only triggers, as a tamperer with the owner's rights would
    /// before changing or deleting events.
    /// </summary>
    public static string DisableAuditProtection(DatabaseProvider provider) => provider == DatabaseProvider.Postgres
        ? "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;"
        : "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;";
}

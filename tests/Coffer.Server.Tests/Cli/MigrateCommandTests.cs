using System.Data.Common;
using Coffer.Migrations;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Coffer.Testing.Process;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Coffer.Server.Tests.Cli;

/// <summary><c>migrate up | down [N] | status</c> as a process, on an empty database: UP → DOWN → UP.</summary>
public sealed class MigrateCommandTests
{
    private static readonly string[] LedgerTables = ["accounts", "holds", "idempotency_records", "transfers"];

    [Theory(Timeout = 120_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task UpDownUpThroughTheCli_CreatesDropsAndRecreatesTheSchema(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, migrated: false);
        var environment = CofferProcess.ToEnvironment(database.Settings);
        var known = new SchemaMigrator(database.Options).KnownMigrations();
        Assert.NotEmpty(known);

        var before = await Migrate(environment, "status");
        Assert.All(known, name => Assert.Contains($"pending  {name}", before.Stdout));
        Assert.DoesNotContain("Schema is current.", before.Stdout);

        var up = await Migrate(environment, "up");
        Assert.Contains($"Applied: {string.Join(", ", known)}", up.Stdout);
        Assert.Equal(LedgerTables, await TablesAsync(database));
        await AssertCurrentAsync(environment, known);
        await AssertApplicationRoleCanWriteAsync(database);
        await AssertWalAsync(database);
        Assert.Contains("Schema is current.", (await Migrate(environment, "up")).Stdout);

        var down = await Migrate(environment, "down", "1");
        Assert.Contains($"Reverted: {known[^1]}", down.Stdout);
        Assert.Contains($"pending  {known[^1]}", (await Migrate(environment, "status")).Stdout);
        if (known.Count > 1)
        {
            await Migrate(environment, "down", (known.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.Empty(await TablesAsync(database));
        Assert.Contains("Nothing to revert.", (await Migrate(environment, "down")).Stdout);

        var again = await Migrate(environment, "up");
        Assert.Contains($"Applied: {string.Join(", ", known)}", again.Stdout);
        Assert.Equal(LedgerTables, await TablesAsync(database));
        await AssertCurrentAsync(environment, known);
        await AssertApplicationRoleCanWriteAsync(database);
    }

    [Fact(Timeout = 60_000)]
    public async Task DownZero_ExitsNonZeroAndChangesNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var environment = CofferProcess.ToEnvironment(database.Settings);

        var result = await CofferProcess.RunAsync(environment, "migrate", "down", "0");

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Equal(LedgerTables, await TablesAsync(database));
    }

    private static async Task<CliResult> Migrate(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var result = await CofferProcess.RunAsync(environment, ["migrate", .. args]);
        Assert.True(result.ExitCode == 0, $"migrate {string.Join(' ', args)}: {result}");
        return result;
    }

    private static async Task AssertCurrentAsync(IReadOnlyDictionary<string, string?> environment, IReadOnlyList<string> known)
    {
        var status = await Migrate(environment, "status");
        Assert.Contains("Schema is current.", status.Stdout);
        Assert.All(known, name => Assert.Contains($"applied  {name}", status.Stdout));
        Assert.DoesNotContain("pending  ", status.Stdout);
    }

    /// <summary>The ledger's tables present, read from the catalog as the schema owner (the history table left out).</summary>
    private static async Task<string[]> TablesAsync(TestDatabase database)
    {
        var sql = database.Provider == DatabaseProvider.Postgres
            ? "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            : "SELECT name FROM sqlite_master WHERE type = 'table'";
        await using var connection = Open(database.Provider, database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }
        return tables.Where(LedgerTables.Contains).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>On PostgreSQL the app role owns nothing: <c>migrate up</c> must have granted it its rights.</summary>
    private static async Task AssertApplicationRoleCanWriteAsync(TestDatabase database)
    {
        if (database.Provider != DatabaseProvider.Postgres)
        {
            return;
        }
        var application = new NpgsqlConnectionStringBuilder(database.Options.ConnectionString) { Pooling = false };
        Assert.NotEqual(new NpgsqlConnectionStringBuilder(database.AdminConnectionString).Username, application.Username);
        await using var connection = new NpgsqlConnection(application.ToString());
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // Acting for tenant "grants", as the application does at the start of every transaction (row-level security).
        await using (var scope = new NpgsqlCommand("SELECT set_config('coffer.tenant', 'grants', true)", connection, transaction))
        {
            await scope.ExecuteNonQueryAsync();
        }
        await using var insert = new NpgsqlCommand("""
            INSERT INTO accounts (id, tenant_id, owner_id, kind, system_code, currency, name, allow_negative,
                                  posted_debits, posted_credits, pending_debits, pending_credits, created_at)
            VALUES (@id, 'grants', 'probe', 'wallet', NULL, 'USD', NULL, FALSE, 0, 0, 0, 0, now())
            """, connection, transaction);
        insert.Parameters.AddWithValue("id", Guid.NewGuid());
        Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        await using var select = new NpgsqlCommand("SELECT COUNT(*) FROM accounts WHERE tenant_id = 'grants'", connection, transaction);
        Assert.Equal(1L, await select.ExecuteScalarAsync());
        await transaction.RollbackAsync();
    }

    private static async Task AssertWalAsync(TestDatabase database)
    {
        if (database.Provider != DatabaseProvider.Sqlite)
        {
            return;
        }
        await using var connection = new SqliteConnection(database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await command.ExecuteScalarAsync() as string);
    }

    private static DbConnection Open(DatabaseProvider provider, string connectionString) => provider == DatabaseProvider.Postgres
        ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ToString())
        : new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
}

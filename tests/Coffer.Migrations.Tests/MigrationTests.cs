using System.Data.Common;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Coffer.Migrations.Tests;

public sealed class MigrationTests
{
    private static readonly string[] Tables =
    [
        "accounts", "approval_partners", "approval_policies", "approval_policy_versions", "approval_requests", "approval_signatures",
        "audit_chains", "audit_events", "commerce_inventory", "commerce_order_lines", "commerce_orders", "commerce_products", "commerce_refunds",
        "commerce_stock_alerts", "commerce_variant_prices", "commerce_variants", "dividend_distributions", "dividend_payouts", "feature_flags", "holds", "idempotency_records",
        "investment_partners", "investment_product_versions", "investment_products", "investments", "jobs", "reconciliation_runs",
        "reserve_runs", "tokens", "transfers", "webhook_receipts", "withdrawals",
    ];

    [Theory(Timeout = 120_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task UpDownUp_CreatesRemovesAndRecreatesTheWholeSchema(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, migrated: false);
        var migrator = new SchemaMigrator(database.Options);
        var known = migrator.KnownMigrations();

        var applied = await migrator.UpAsync(CancellationToken.None);
        Assert.Equal(known, applied);
        Assert.Equal(Tables, await TablesAsync(database));
        Assert.True((await migrator.GetAsync(CancellationToken.None)).IsCurrent);

        var reverted = await migrator.DownAsync(known.Count, CancellationToken.None);
        Assert.Equal(known.Reverse(), reverted);
        Assert.Empty(await TablesAsync(database));
        Assert.Equal(known, (await migrator.GetAsync(CancellationToken.None)).Pending);

        await migrator.UpAsync(CancellationToken.None);
        Assert.Equal(Tables, await TablesAsync(database));
        Assert.Empty((await migrator.GetAsync(CancellationToken.None)).Pending);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public void ModelAndMigrations_Agree_SoThereIsNoSchemaDrift(DatabaseProvider provider)
    {
        var options = new DatabaseOptions
        {
            Provider = provider,
            ConnectionString = provider == DatabaseProvider.Sqlite ? "Data Source=:memory:" : TestEnvironment.PostgresOwner,
            MigrationsConnectionString = provider == DatabaseProvider.Sqlite ? "Data Source=:memory:" : TestEnvironment.PostgresOwner,
            DataDirectory = Path.GetTempPath(),
        };

        Assert.False(new SchemaMigrator(options).HasModelDrift(),
            $"The {provider} model differs from its migrations: add a migration with 'dotnet ef migrations add' for both providers.");
    }

    [Fact]
    public void BothProviders_HaveTheSameMigrationsInTheSameOrder()
    {
        static IReadOnlyList<string> Names(DatabaseProvider provider) => new SchemaMigrator(new DatabaseOptions
        {
            Provider = provider, ConnectionString = "Data Source=:memory:", MigrationsConnectionString = "Data Source=:memory:",
            DataDirectory = Path.GetTempPath(),
        }).KnownMigrations().Select(n => n[(n.IndexOf('_') + 1)..]).ToList();

        Assert.Equal(Names(DatabaseProvider.Sqlite), Names(DatabaseProvider.Postgres));
    }

    private static async Task<List<string>> TablesAsync(TestDatabase database)
    {
        await using DbConnection connection = database.Provider == DatabaseProvider.Postgres
            ? new NpgsqlConnection(database.AdminConnectionString)
            : new SqliteConnection(database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = database.Provider == DatabaseProvider.Postgres
            ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY 1"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('schema_migrations', '__EFMigrationsLock') ORDER BY 1";
        await using var reader = await command.ExecuteReaderAsync();
        var tables = new List<string>();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }
        return tables;
    }
}

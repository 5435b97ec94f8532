using Coffer.Platform.Persistence;
using Coffer.Testing;
using Npgsql;

namespace Coffer.Ledger.Tests.Security;

/// <summary>PostgreSQL row-level security: the database itself keeps tenants apart, whatever a query forgets.</summary>
public sealed class RowLevelSecurityTests
{
    private static readonly string[] TenantTables = ["accounts", "transfers", "holds", "idempotency_records", "audit_events", "audit_chains", "jobs", "tokens"];

    [Fact(Timeout = 60_000)]
    public async Task EveryTableWithATenantId_HasForcedRowLevelSecurity_AndTheTenantPolicy()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var connection = new NpgsqlConnection(database.AdminConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            """
            SELECT c.table_name, t.relrowsecurity, t.relforcerowsecurity,
                   EXISTS (SELECT 1 FROM pg_policies p WHERE p.schemaname = 'public' AND p.tablename = c.table_name
                           AND p.policyname = 'tenant_isolation')
            FROM information_schema.columns c
            JOIN pg_class t ON t.relname = c.table_name AND t.relnamespace = 'public'::regnamespace
            WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id'
            ORDER BY c.table_name
            """, connection);
        await using var reader = await query.ExecuteReaderAsync();
        var tables = new List<string>();
        while (await reader.ReadAsync())
        {
            var table = reader.GetString(0);
            tables.Add(table);
            Assert.True(reader.GetBoolean(1) && reader.GetBoolean(2) && reader.GetBoolean(3),
                $"{table} has a tenant_id but not ENABLE + FORCE ROW LEVEL SECURITY with the tenant_isolation policy.");
        }
        Assert.Superset(TenantTables.ToHashSet(), tables.ToHashSet());
    }

    [Fact(Timeout = 60_000)]
    public async Task UnfilteredQueriesOnTheApplicationsConnection_SeeOnlyTheTenantOfTheTransaction()
    {
        await using var acme = await LedgerParties.StartAsync(DatabaseProvider.Postgres, aliceFunds: 1_000, services: ScriptedJobs.Register);
        var server = acme.Server;
        await server.EnqueueAsync(new JobScript(), "acme");
        await server.EnqueueAsync(new JobScript(), "globex", owner: "gina");
        var globex = server.ClientFor("ops", "globex", "operator");
        var globexWallet = await globex.CreateWalletAsync(ownerId: "gina");
        var globexPayee = await globex.CreateWalletAsync(ownerId: "gus");
        await globex.DepositAsync(globexWallet, 500);
        await acme.Alice.TransferAsync(acme.AliceWallet, acme.BobWallet, 10);
        // A hold in each tenant, so that every tenant-scoped table holds rows of both.
        foreach (var (client, from, to) in new[] { (acme.Alice, acme.AliceWallet, acme.BobWallet), (globex, globexWallet, globexPayee) })
        {
            await (await client.PostJsonAsync("/api/v1/holds", new { fromAccountId = from, toAccountId = to, amount = 5, currency = "USD", expiresInSeconds = 600 }))
                .ExpectAsync(System.Net.HttpStatusCode.Created);
        }
        // A token in each tenant (as a withdrawal's destination account will be), so the vault holds rows of both.
        await TokenVault.TokenizeAsync(server.Services, "acme", "bank_account", "DE89370400440532013000");
        await TokenVault.TokenizeAsync(server.Services, "globex", "bank_account", "GB29NWBK60161331926819");

        foreach (var table in TenantTables)
        {
            var acmeSees = await TenantsVisibleAsync(server.Database, table, "acme");
            var globexSees = await TenantsVisibleAsync(server.Database, table, "globex");
            var nobodySees = await TenantsVisibleAsync(server.Database, table, null);

            Assert.True(acmeSees is ["acme"], $"{table}: tenant acme sees [{string.Join(", ", acmeSees)}]");
            Assert.True(globexSees is ["globex"], $"{table}: tenant globex sees [{string.Join(", ", globexSees)}]");
            Assert.Empty(nobodySees); // no tenant in the transaction: no rows at all
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task ApplicationRole_CannotWriteIntoAnotherTenant_NorTurnRowSecurityOff()
    {
        await using var parties = await LedgerParties.StartAsync(DatabaseProvider.Postgres, aliceFunds: 1_000);
        await using var connection = new NpgsqlConnection(parties.Server.Database.Options.ConnectionString);
        await connection.OpenAsync();
        await using (var scope = new NpgsqlCommand("SELECT set_config('coffer.tenant', 'globex', false)", connection))
        {
            await scope.ExecuteNonQueryAsync();
        }

        // Writing a row of tenant acme while acting for globex violates the policy's WITH CHECK.
        var insert = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand(
            """
            INSERT INTO accounts (id, tenant_id, owner_id, kind, currency, allow_negative, posted_debits, posted_credits,
                pending_debits, pending_credits, created_at)
            VALUES (gen_random_uuid(), 'acme', 'mallory', 'wallet', 'USD', false, 0, 0, 0, 0, now())
            """, connection).ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, insert.SqlState); // new row violates row-level security policy
        // Updating acme's balances from globex touches nothing.
        Assert.Equal(0, await new NpgsqlCommand("UPDATE accounts SET posted_credits = posted_credits + 1", connection).ExecuteNonQueryAsync());
        foreach (var sql in new[]
        {
            "ALTER TABLE accounts DISABLE ROW LEVEL SECURITY",
            "ALTER TABLE accounts NO FORCE ROW LEVEL SECURITY",
            "DROP POLICY tenant_isolation ON accounts",
        })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState); // must be owner
        }
        await using (var off = new NpgsqlCommand("SET row_security = off", connection))
        {
            await off.ExecuteNonQueryAsync();
        }
        var bypass = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("SELECT COUNT(*) FROM accounts", connection).ExecuteScalarAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, bypass.SqlState); // "query would be affected by row-level security policy"
        Assert.Empty(await LedgerAudit.CheckAsync(parties.Server.Database));
    }

    private static async Task<List<string>> TenantsVisibleAsync(TestDatabase database, string table, string? tenant)
    {
        await using var connection = new NpgsqlConnection(database.Options.ConnectionString); // the application's role
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        if (tenant is not null)
        {
            await using var scope = new NpgsqlCommand("SELECT set_config('coffer.tenant', @tenant, true)", connection, transaction);
            scope.Parameters.AddWithValue("tenant", tenant);
            await scope.ExecuteNonQueryAsync();
        }
        await using var query = new NpgsqlCommand($"SELECT DISTINCT tenant_id FROM {table} ORDER BY tenant_id", connection, transaction);
        await using var reader = await query.ExecuteReaderAsync();
        var tenants = new List<string>();
        while (await reader.ReadAsync())
        {
            tenants.Add(reader.GetString(0));
        }
        return tenants;
    }
}

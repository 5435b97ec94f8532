using Coffer.Migrations;
using Coffer.Platform.Persistence;
using Npgsql;

namespace Coffer.Operations.Tests.Backup;

/// <summary>
/// The ledger the point-in-time restore test writes around the target time, and what it expects of the restored copy.
/// The data is real: the built server (<c>serve</c>, as a child process) is run against the source cluster's
/// <c>coffer</c> database and driven over HTTP with tokens of the <c>token</c> verb, so accounts, transfers, holds,
/// idempotency records and the audit chains are written exactly as in production. Order of calls:
/// <see cref="StartAsync"/> (wallets, a deposit and a transfer, all in the base backup), <see cref="WriteBeforeTargetAsync"/>
/// (transfers A and a hold, only in the archived WAL), the test takes the target time, <see cref="WriteAfterTargetAsync"/>
/// (transfer B), <see cref="StopServerAsync"/> before the source goes away, and after the restore
/// <see cref="VerifyRestoredAsync"/>: the rows up to the target are there, B is not, <c>reconcile</c> finds the copy clean
/// and <c>audit verify</c> intact, and a drift injected into the copy makes <c>reconcile</c> fail naming the account.
/// Disposing kills the server whatever happened.
/// </summary>
internal sealed class RestoredDatabaseCheck : IAsyncDisposable
{
    private const string Database = "coffer";
    private const string Tenant = "acme";
    private const string Currency = "EUR";
    private const long Deposit = 10_000;

    private readonly string dataDirectory;
    private readonly Action<string> log;
    private readonly LedgerServer server;
    private readonly string customerToken;
    private readonly string operatorToken;
    private readonly Guid payer;
    private readonly Guid payee;

    /// <summary>Transfers (deposit, transfers, the hold's pending transfer) that precede the target time.</summary>
    private readonly List<Guid> beforeTarget = [];

    /// <summary>The totals the two wallets must have at the target time (posted/pending debits/credits).</summary>
    private readonly Dictionary<Guid, long[]> expected = [];

    private Guid? hold;
    private Guid? afterTarget;

    private RestoredDatabaseCheck(
        string dataDirectory, Action<string> log, LedgerServer server, string customerToken, string operatorToken, Guid payer, Guid payee)
    {
        this.dataDirectory = dataDirectory;
        this.log = log;
        this.server = server;
        this.customerToken = customerToken;
        this.operatorToken = operatorToken;
        this.payer = payer;
        this.payee = payee;
        expected[payer] = new long[4];
        expected[payee] = new long[4];
    }

    /// <summary>
    /// Starts the server on the migrated source database and, before the base backup, opens two wallets of one customer,
    /// deposits into the payer and moves some money to the payee.
    /// </summary>
    public static async Task<RestoredDatabaseCheck> StartAsync(ThrowawayCluster source, string dataDirectory, Action<string> log)
    {
        var server = await LedgerServer.StartAsync(ServerEnvironment(source, dataDirectory));
        try
        {
            // The server has created the development signing key in the data directory; the verb signs with it.
            var tokens = await Task.WhenAll(
                MintTokenAsync(source, dataDirectory, "alice", "customer"),
                MintTokenAsync(source, dataDirectory, "ops", "operator"));
            var payer = (await server.CreateAsync("/api/v1/accounts", tokens[0], new { currency = Currency })).GetProperty("id").GetGuid();
            var payee = (await server.CreateAsync("/api/v1/accounts", tokens[0], new { currency = Currency })).GetProperty("id").GetGuid();
            var check = new RestoredDatabaseCheck(dataDirectory, log, server, tokens[0], tokens[1], payer, payee);

            var deposit = await server.CreateAsync("/api/v1/deposits", check.operatorToken,
                new { accountId = payer, amount = Deposit, currency = Currency, externalReference = $"wire-{Guid.NewGuid():N}" });
            check.beforeTarget.Add(deposit.GetProperty("id").GetGuid());
            check.expected[payer][1] += Deposit;
            check.beforeTarget.Add(await check.TransferAsync(payer, payee, 500));
            return check;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>After the base backup, before the target time (only the archived WAL holds these): transfers A and a hold.</summary>
    public async Task WriteBeforeTargetAsync()
    {
        foreach (var (from, to, amount) in new[] { (payer, payee, 100L), (payer, payee, 250L), (payee, payer, 30L) })
        {
            beforeTarget.Add(await TransferAsync(from, to, amount));
        }
        var placed = await server.CreateAsync("/api/v1/holds", customerToken,
            new { fromAccountId = payer, toAccountId = payee, amount = 200L, currency = Currency, expiresInSeconds = 3600 });
        hold = placed.GetProperty("id").GetGuid();
        beforeTarget.Add(hold.Value); // a hold is its pending transfer
        expected[payer][2] += 200;
        expected[payee][3] += 200;
    }

    /// <summary>After the target time: transfer B, archived too, which a restore to the target time must not contain.</summary>
    public async Task WriteAfterTargetAsync()
    {
        afterTarget = await TransferAsync(payer, payee, 1_000, beforeTargetTime: false);
        log($"up to the target: {string.Join(", ", beforeTarget)} (the last is hold {hold}); after it (B): {afterTarget}");
    }

    /// <summary>Kills the server and waits for it: nothing may write to the source while it is archived and stopped.</summary>
    public Task StopServerAsync() => server.StopAsync();

    /// <summary>The restored copy: promoted, the schema current, exactly the ledger of the target time, and reconciled.</summary>
    public async Task VerifyRestoredAsync(ThrowawayCluster restored)
    {
        Assert.NotNull(afterTarget);
        var owner = restored.ConnectionString(Database, "coffer_owner");
        await using (var connection = new NpgsqlConnection(owner))
        {
            await connection.OpenAsync();
            Assert.False(await ScalarAsync<bool>(connection, "SELECT pg_is_in_recovery()"), "The restored server is still in recovery (not promoted).");

            var transfers = await ListAsync<Guid>(connection, "SELECT id FROM transfers");
            Assert.All(beforeTarget, id => Assert.Contains(id, transfers));
            Assert.DoesNotContain(afterTarget.Value, transfers);
            Assert.Equal("pending", await ScalarAsync<string>(connection, "SELECT status FROM holds WHERE id = @id", hold));

            // The audit trail came back in step with the money: an event for every movement up to the target, none for B.
            var audited = await ListAsync<string>(connection, "SELECT resource_id FROM audit_events WHERE resource_id IS NOT NULL");
            Assert.All(beforeTarget, id => Assert.Contains(id.ToString(), audited));
            Assert.DoesNotContain(afterTarget.Value.ToString(), audited);

            foreach (var (account, totals) in expected)
            {
                var stored = await ListAsync<long>(connection,
                    "SELECT unnest(ARRAY[posted_debits, posted_credits, pending_debits, pending_credits]) FROM accounts WHERE id = @id", account);
                Assert.True(totals.SequenceEqual(stored),
                    $"account {account}: stored totals {string.Join('/', stored)}, expected at the target time {string.Join('/', totals)}");
            }
        }

        // The schema came back with the data, at the version of this build.
        var schema = await new SchemaMigrator(new DatabaseOptions
        {
            Provider = DatabaseProvider.Postgres,
            ConnectionString = owner,
            MigrationsConnectionString = owner,
            DataDirectory = dataDirectory,
        }).GetAsync(CancellationToken.None);
        Assert.NotEmpty(schema.Applied);
        Assert.Empty(schema.Pending);

        // The application's own checks, as the application role, on the copy: every balance re-derived from the transfers.
        var app = VerbEnvironment(restored, dataDirectory);
        var reconcile = await Tool.CofferAsync(app, "reconcile");
        log($"reconcile on the restored copy: {reconcile}");
        Assert.True(reconcile.ExitCode == 0, $"reconcile did not find the restored copy clean.\n{reconcile}");
        Assert.Matches(@"Run [0-9a-f-]+: clean\.", reconcile.Stdout);

        var audit = await Tool.CofferAsync(app, "audit", "verify");
        log($"audit verify on the restored copy: {audit}");
        Assert.True(audit.ExitCode == 0, $"audit verify found the restored audit trail broken.\n{audit}");
        Assert.Contains("Audit trail intact.", audit.Stdout);

        // Negative control: the same check must fail on a copy whose stored balance has drifted from its transfers.
        await using (var connection = new NpgsqlConnection(owner))
        {
            await connection.OpenAsync();
            await using var drift = new NpgsqlCommand("UPDATE accounts SET posted_credits = posted_credits + 1 WHERE id = @id", connection);
            drift.Parameters.AddWithValue("id", payee);
            Assert.Equal(1, await drift.ExecuteNonQueryAsync());
        }
        var drifted = await Tool.CofferAsync(app, "reconcile");
        log($"reconcile after the injected drift: {drifted}");
        Assert.True(drifted.ExitCode == 3, $"reconcile must exit 3 (mismatch) after the drift.\n{drifted}");
        Assert.Matches(@"Run [0-9a-f-]+: mismatch\.", drifted.Stdout);
        Assert.Contains(payee.ToString(), drifted.Stdout);
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();

    /// <summary>A customer transfer between the two wallets; returns its id. One before the target time counts in the expected totals.</summary>
    private async Task<Guid> TransferAsync(Guid from, Guid to, long amount, bool beforeTargetTime = true)
    {
        var transfer = await server.CreateAsync("/api/v1/transfers", customerToken,
            new { fromAccountId = from, toAccountId = to, amount, currency = Currency });
        if (beforeTargetTime)
        {
            expected[from][0] += amount;
            expected[to][1] += amount;
        }
        return transfer.GetProperty("id").GetGuid();
    }

    /// <summary>What <c>serve</c> reads: the application role for requests, the schema owner for migrations.</summary>
    private static Dictionary<string, string?> ServerEnvironment(ThrowawayCluster cluster, string dataDirectory) => new()
    {
        ["Coffer__Database__Provider"] = "postgres",
        ["ConnectionStrings__Coffer"] = cluster.ConnectionString(Database, "coffer_app"),
        ["ConnectionStrings__CofferMigrations"] = cluster.ConnectionString(Database, "coffer_owner"),
        // The development signing key is created here; the token verb must read the same directory.
        ["Coffer__DataDirectory"] = dataDirectory,
        ["Coffer__Role"] = "api",
    };

    /// <summary>What an operator sets for <c>reconcile</c> and <c>audit verify</c>: the application role only.</summary>
    private static Dictionary<string, string?> VerbEnvironment(ThrowawayCluster cluster, string dataDirectory) => new()
    {
        ["Coffer__Database__Provider"] = "postgres",
        ["ConnectionStrings__Coffer"] = cluster.ConnectionString(Database, "coffer_app"),
        ["Coffer__DataDirectory"] = dataDirectory,
    };

    private static async Task<string> MintTokenAsync(ThrowawayCluster cluster, string dataDirectory, string subject, string role)
    {
        var result = (await Tool.CofferAsync(ServerEnvironment(cluster, dataDirectory),
            "token", "--sub", subject, "--tenant", Tenant, "--role", role)).EnsureSuccess();
        var token = result.Stdout.Trim();
        Assert.True(token.Count(c => c == '.') == 2 && !token.Contains('\n'), $"token printed more than a JWT.\n{result}");
        return token;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, Guid? id = null)
    {
        await using var command = Command(connection, sql, id);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<T>> ListAsync<T>(NpgsqlConnection connection, string sql, Guid? id = null)
    {
        var values = new List<T>();
        await using var command = Command(connection, sql, id);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetFieldValue<T>(0));
        }
        return values;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, Guid? id)
    {
        var command = new NpgsqlCommand(sql, connection);
        if (id is { } value)
        {
            command.Parameters.AddWithValue("id", value);
        }
        return command;
    }
}

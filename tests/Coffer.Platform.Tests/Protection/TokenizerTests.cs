using System.Security.Cryptography;
using Coffer.Platform.Audit;
using Coffer.Platform.Persistence;
using Coffer.Platform.Protection;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Platform.Tests.Protection;

/// <summary>The tokenization vault on a running server, on both engines: what is stored, who may read it back, and rotation.</summary>
public sealed class TokenizerTests
{
    private const string Iban = "DE89 3704 0044 0532 0130 00";
    private const string IbanDigits = "DE89370400440532013000";

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task TokenizeInACommittedTransaction_StoresOnlyCiphertextAndLast4(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);

        var tokenized = Assert.Single(await TokenVault.TokenizeAsync(server.Services, "acme", "bank_account", Iban));

        Assert.Matches("^tok_[a-z2-7]{24}$", tokenized.Token);
        Assert.Equal("3000", tokenized.Last4);
        // The raw row, as the owner reads it behind the application's back.
        var row = await DatabaseShell.ScalarAsync<string>(server.Database,
            $"SELECT tenant_id || '|' || kind || '|' || last4 || '|' || key_version || '|' || ciphertext FROM tokens WHERE token = '{tokenized.Token}'");
        Assert.StartsWith("acme|bank_account|3000|1|v1:", row);
        Assert.DoesNotContain(IbanDigits, row);
        Assert.DoesNotContain("3704 0044", row);
        Assert.DoesNotContain("0532013000", row);
        Assert.Equal(Iban, await TokenVault.DetokenizeAsync(server.Services, "acme", tokenized.Token));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task RolledBackTransaction_LeavesNoToken(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        await using var scope = server.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = "acme";

        await session.BeginAsync(CancellationToken.None);
        var tokenized = scope.ServiceProvider.GetRequiredService<Tokenizer>().Tokenize("acme", "bank_account", Iban);
        // The insert travels with the transaction's next round trip: inside it, the token exists.
        var inside = await session.QueryAsync(SqlStatement.Of("SELECT COUNT(*) FROM tokens WHERE token = @token", ("token", tokenized.Token)),
            r => r.GetInt64(0), CancellationToken.None);
        await session.RollbackAsync();

        Assert.Equal([1L], inside);
        Assert.Equal(0L, await DatabaseShell.ScalarAsync<long>(server.Database, "SELECT COUNT(*) FROM tokens"));
        Assert.Null(await TokenVault.DetokenizeAsync(server.Services, "acme", tokenized.Token));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task TokenizeOutsideATransaction_IsRefused(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        await using var scope = server.Services.CreateAsyncScope();
        var tokenizer = scope.ServiceProvider.GetRequiredService<Tokenizer>();

        Assert.Throws<InvalidOperationException>(() => tokenizer.Tokenize("acme", "bank_account", Iban));
        Assert.Equal(0L, await DatabaseShell.ScalarAsync<long>(server.Database, "SELECT COUNT(*) FROM tokens"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task DetokenizeAnotherTenantsOrAnUnknownToken_ReturnsNull_AndAuditsNothing(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var acme = Assert.Single(await TokenVault.TokenizeAsync(server.Services, "acme", "bank_account", Iban));

        // Globex's unit of work (row-level security on PostgreSQL), and a cross-tenant one asking for globex (the application filter).
        var asGlobex = await TokenVault.DetokenizeAsync(server.Services, "globex", acme.Token);
        string? acrossTenants;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<DbSession>().TenantScope = DbSession.AllTenants;
            scope.ServiceProvider.GetRequiredService<AuditTrail>().Actor = AuditActor.System("tests");
            acrossTenants = await scope.ServiceProvider.GetRequiredService<Tokenizer>()
                .DetokenizeAsync("globex", acme.Token, "tests", CancellationToken.None);
        }
        var unknown = await TokenVault.DetokenizeAsync(server.Services, "acme", "tok_" + new string('a', 24));
        var malformed = await TokenVault.DetokenizeAsync(server.Services, "acme", "' OR '1'='1");

        Assert.Null(asGlobex);
        Assert.Null(acrossTenants);
        Assert.Null(unknown);
        Assert.Null(malformed);
        Assert.Equal(0L, await DatabaseShell.ScalarAsync<long>(server.Database, "SELECT COUNT(*) FROM audit_events WHERE action = 'token.detokenized'"));
        Assert.Equal(Iban, await TokenVault.DetokenizeAsync(server.Services, "acme", acme.Token)); // the owner tenant still can
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Detokenize_WritesTheAuditEvent_WhichNeverContainsTheValue(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var tokenized = Assert.Single(await TokenVault.TokenizeAsync(server.Services, "acme", "bank_account", Iban));

        var value = await TokenVault.DetokenizeAsync(server.Services, "acme", tokenized.Token, purpose: "withdrawal payout");

        Assert.Equal(Iban, value);
        var audited = await DatabaseShell.ScalarAsync<string>(server.Database,
            """
            SELECT tenant_id || '|' || actor || '|' || actor_type || '|' || action || '|' || resource_type || '|' || resource_id || '|'
                || COALESCE(before, '') || '|' || after
            FROM audit_events WHERE action = 'token.detokenized'
            """);
        Assert.Equal($"acme|system:tests|system|token.detokenized|token|{tokenized.Token}||{{\"kind\":\"bank_account\",\"purpose\":\"withdrawal payout\"}}",
            audited);
        var aggregate = provider == DatabaseProvider.Postgres ? "STRING_AGG" : "GROUP_CONCAT";
        var wholeTrail = await DatabaseShell.ScalarAsync<string>(server.Database,
            $"SELECT {aggregate}(COALESCE(before, '') || COALESCE(after, '') || resource_id, '|') FROM audit_events");
        Assert.DoesNotContain(IbanDigits, wholeTrail);
        Assert.DoesNotContain("0130", wholeTrail);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task DetokenizeInsideTheCallersTransaction_IsRefused_SoTheAuditEventCannotBeRolledBackWithIt(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var tokenized = Assert.Single(await TokenVault.TokenizeAsync(server.Services, "acme", "bank_account", Iban));
        await using var scope = server.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = "acme";
        scope.ServiceProvider.GetRequiredService<AuditTrail>().Actor = AuditActor.System("tests");
        await session.BeginAsync(CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<Tokenizer>()
            .DetokenizeAsync("acme", tokenized.Token, "tests", CancellationToken.None));
        await session.RollbackAsync();
    }

    [Theory(Timeout = 120_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Rotation_MovesEveryRowToTheActiveVersion_ValuesStillDecrypt_AndASecondRunReencryptsNone(DatabaseProvider provider)
    {
        var (key1, key2) = (TokenVault.NewKey(), TokenVault.NewKey());
        await using var before = await CofferTestServer.StartAsync(provider, TokenVault.KeySettings((1, key1)));
        // More than two batches over two tenants, so that rotation crosses batch and tenant boundaries.
        var values = new Dictionary<string, (string Tenant, string Value)>();
        foreach (var tenant in new[] { "acme", "globex" })
        {
            var plain = Enumerable.Range(0, 601).Select(i => $"{tenant}-account-{i:D6}").ToArray();
            var tokens = await TokenVault.TokenizeAsync(before.Services, tenant, "bank_account", plain);
            for (var i = 0; i < plain.Length; i++)
            {
                values[tokens[i].Token] = (tenant, plain[i]);
            }
        }
        // The next release: key 2 added and, being the highest, active.
        await using var after = CofferTestServer.StartAlongside(before, TokenVault.KeySettings((1, key1), (2, key2)));

        int toRotate, rotated, left, secondRun;
        var reports = new List<int>();
        await using (var scope = after.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<AuditTrail>().Actor = AuditActor.System("tests");
            var tokenizer = scope.ServiceProvider.GetRequiredService<Tokenizer>();
            toRotate = await tokenizer.CountNeedingRotationAsync(CancellationToken.None);
            rotated = await tokenizer.RotateAsync(new ListProgress(reports), CancellationToken.None);
            left = await tokenizer.CountNeedingRotationAsync(CancellationToken.None);
            secondRun = await tokenizer.RotateAsync(null, CancellationToken.None);
        }

        Assert.Equal(1202, toRotate);
        Assert.Equal(1202, rotated);
        Assert.Equal([500, 1000, 1202], reports);
        Assert.Equal(0, left);
        Assert.Equal(0, secondRun);
        Assert.Equal(0L, await DatabaseShell.ScalarAsync<long>(after.Database, "SELECT COUNT(*) FROM tokens WHERE key_version <> 2"));
        var encryption = after.Services.GetRequiredService<FieldEncryption>();
        var stored = await StoredTokensAsync(after.Database);
        Assert.Equal(values.Keys.Order(), stored.Keys.Order());
        foreach (var (token, (tenant, kind, ciphertext)) in stored)
        {
            Assert.StartsWith("v2:", ciphertext);
            Assert.Equal(values[token].Value, encryption.Decrypt(ciphertext, TokenFormat.AssociatedData(tenant, kind, token)));
        }
        // Each batch was audited per tenant it touched; together the events account for every row, and the second run for none.
        var rotations = await RotationEventsAsync(after.Database);
        Assert.All(rotations, e => Assert.Equal(("2", 2, "[1]"), (e.ResourceId, e.KeyVersion, e.FromKeyVersions)));
        Assert.Equal(601, rotations.Where(e => e.Tenant == "acme").Sum(e => e.Tokens));
        Assert.Equal(601, rotations.Where(e => e.Tenant == "globex").Sum(e => e.Tokens));
        Assert.InRange(rotations.Count, 4, 6); // three batches, each of one or both tenants
        // An instance that lacks key 2 can no longer open them: the old key alone is not enough.
        var sample = values.First();
        var failure = await Assert.ThrowsAsync<CryptographicException>(() => TokenVault.DetokenizeAsync(before.Services, sample.Value.Tenant, sample.Key));
        Assert.Contains("data key version 2, which is not configured", failure.Message);
        Assert.Equal(sample.Value.Value, await TokenVault.DetokenizeAsync(after.Services, sample.Value.Tenant, sample.Key));
    }

    [Fact(Timeout = 60_000)]
    public async Task DevelopmentKey_IsGeneratedOnce_AndReusedAcrossRestarts()
    {
        await using var first = await CofferTestServer.StartAsync(DatabaseProvider.Sqlite);
        var tokenized = Assert.Single(await TokenVault.TokenizeAsync(first.Services, "acme", "partner_secret", "sk_live_0123456789abcdef"));
        var keyPath = Path.Combine(first.Database.DataDirectory, "keys", "data-key-1.bin");
        var key = await File.ReadAllBytesAsync(keyPath);

        // A new host on the same data directory loads its keys as a restarted process does: it must read the key, not make another.
        await using var restarted = CofferTestServer.StartAlongside(first);
        var value = await TokenVault.DetokenizeAsync(restarted.Services, "acme", tokenized.Token);

        Assert.Equal("sk_live_0123456789abcdef", value);
        Assert.Equal(key, await File.ReadAllBytesAsync(keyPath));
        Assert.Equal(32, key.Length);
    }

    private static async Task<Dictionary<string, (string Tenant, string Kind, string Ciphertext)>> StoredTokensAsync(TestDatabase database)
    {
        await using var connection = DatabaseShell.Connection(database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT token, tenant_id, kind, ciphertext FROM tokens";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, (string, string, string)>();
        while (await reader.ReadAsync())
        {
            rows[reader.GetString(0)] = (reader.GetString(1), reader.GetString(2), reader.GetString(3));
        }
        return rows;
    }

    private static async Task<List<(string Tenant, string ResourceId, int KeyVersion, string FromKeyVersions, int Tokens)>> RotationEventsAsync(
        TestDatabase database)
    {
        await using var connection = DatabaseShell.Connection(database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT tenant_id, resource_type, resource_id, after FROM audit_events WHERE action = '{Tokenizer.RotatedAction}'";
        await using var reader = await command.ExecuteReaderAsync();
        var events = new List<(string, string, int, string, int)>();
        while (await reader.ReadAsync())
        {
            Assert.Equal("data_key", reader.GetString(1));
            using var after = System.Text.Json.JsonDocument.Parse(reader.GetString(3));
            events.Add((reader.GetString(0), reader.GetString(2), after.RootElement.GetProperty("keyVersion").GetInt32(),
                after.RootElement.GetProperty("fromKeyVersions").GetRawText(), after.RootElement.GetProperty("tokens").GetInt32()));
        }
        return events;
    }

    /// <summary>Records each report on the reporting thread (Progress&lt;T&gt; would post them to the thread pool).</summary>
    private sealed class ListProgress(List<int> reports) : IProgress<int>
    {
        public void Report(int value) => reports.Add(value);
    }
}

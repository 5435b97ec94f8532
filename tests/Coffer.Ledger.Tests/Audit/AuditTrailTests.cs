using System.Data.Common;
using System.Net;
using System.Text.Json;
using Coffer.Platform.Audit;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Coffer.Ledger.Tests.Audit;

public sealed class AuditTrailTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task EveryMoneyMovement_WritesOneRedactedAuditEventWithItsActorAndOrigin(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 10_000);
        var (server, alice, bob, ops, from, to) = parties;
        alice.DefaultRequestHeaders.UserAgent.ParseAdd("coffer-tests/1.0");
        var admin = server.Admin();

        var transfer = await (await alice.PostJsonAsync("/api/v1/transfers", new
        {
            fromAccountId = from, toAccountId = to, amount = 300, currency = "USD", description = "rent for flat 4b",
        })).ExpectAsync(HttpStatusCode.Created);
        var batch = await (await alice.PostJsonAsync("/api/v1/transfers/batch", new
        {
            transfers = new[] { LedgerRequests.TransferBody(from, to, 10), LedgerRequests.TransferBody(from, to, 20) },
        })).ExpectAsync(HttpStatusCode.Created);
        var hold = await (await alice.PostJsonAsync("/api/v1/holds", new
        {
            fromAccountId = from, toAccountId = to, amount = 100, currency = "USD", expiresInSeconds = 600,
        })).ExpectAsync(HttpStatusCode.Created);
        var holdId = hold.GetProperty("id").GetString()!;
        await (await bob.PostJsonAsync($"/api/v1/holds/{holdId}/capture", new { amount = 40 })).ExpectAsync(HttpStatusCode.OK);
        var transferId = transfer.GetProperty("id").GetString()!;
        await (await ops.PostJsonAsync($"/api/v1/transfers/{transferId}/reversal", new { reason = "customer complaint" }))
            .ExpectAsync(HttpStatusCode.Created);

        var posted = Assert.Single(await EventsAsync(admin, $"resourceType=transfer&resourceId={transferId}&actor=alice"));
        Assert.Equal("transfer.posted", posted.GetProperty("action").GetString());
        Assert.Equal("customer", posted.GetProperty("actorType").GetString());
        Assert.Equal("coffer-tests/1.0", posted.GetProperty("userAgent").GetString());
        Assert.False(string.IsNullOrEmpty(posted.GetProperty("requestId").GetString()));
        Assert.Equal(300, posted.GetProperty("after").GetProperty("amount").GetInt64());
        Assert.Equal("[redacted]", posted.GetProperty("after").GetProperty("description").GetString()); // personal data never stored
        Assert.DoesNotContain("flat 4b", posted.GetRawText());

        var reversed = Assert.Single(await EventsAsync(admin, $"resourceType=transfer&resourceId={transferId}&actor=ops"));
        Assert.Equal("transfer.reversed", reversed.GetProperty("action").GetString());
        Assert.Equal(transferId, reversed.GetProperty("before").GetProperty("id").GetString());
        Assert.Equal(transferId, reversed.GetProperty("after").GetProperty("reversalOf").GetString());

        var holdEvents = await EventsAsync(admin, $"resourceType=hold&resourceId={holdId}");
        Assert.Equal(["hold.captured", "hold.placed"], holdEvents.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal("pending", holdEvents[0].GetProperty("before").GetProperty("status").GetString());
        Assert.Equal(40, holdEvents[0].GetProperty("after").GetProperty("capturedAmount").GetInt64());

        var batchEvent = Assert.Single(await EventsAsync(admin, "resourceType=transfer_batch"));
        Assert.Equal(2, batchEvent.GetProperty("after").GetProperty("count").GetInt32());
        Assert.Equal(batch.GetProperty("transfers")[0].GetProperty("id").GetString(), batchEvent.GetProperty("resourceId").GetString());

        Assert.Single(await EventsAsync(admin, "resourceType=transfer&actor=ops")
            .ContinueWith(t => t.Result.Where(e => e.GetProperty("action").GetString() == "deposit.created").ToList()));
        Assert.Equal(2, (await EventsAsync(admin, "resourceType=account")).Count); // the two wallets opened
        await AssertIntactAsync(server);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task RefusedMovement_LeavesNoAuditEvent_AndCustomersCannotReadTheTrail(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 100);
        var (server, alice, _, _, from, to) = parties;
        var count = await CountAsync(server);

        await (await alice.PostTransferAsync(from, to, 1_000)).ExpectAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal(count, await CountAsync(server));
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("/api/v1/admin/audit")).StatusCode);
        var otherTenant = await EventsAsync(server.Admin("globex"), "");
        Assert.Empty(otherTenant);
    }

    [Fact(Timeout = 60_000)]
    public async Task ApplicationRole_CannotUpdateDeleteOrTruncateAuditEvents()
    {
        await using var parties = await LedgerParties.StartAsync(DatabaseProvider.Postgres, aliceFunds: 100);
        var database = parties.Server.Database;

        foreach (var sql in new[] { "UPDATE audit_events SET actor = 'mallory'", "DELETE FROM audit_events", "TRUNCATE audit_events" })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => DatabaseShell.ExecuteAsync(database, sql, asOwner: false));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
        Assert.Equal(1, await DatabaseShell.ScalarAsync<long>(database,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'deposit.created'", asOwner: false, tenant: "acme")); // reading is allowed
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Verify_FindsTheEventTheOwnerTamperedWith_AfterTheTriggerRefusedThePlainUpdate(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 10_000);
        var (server, alice, _, _, from, to) = parties;
        for (var i = 0; i < 5; i++)
        {
            await alice.TransferAsync(from, to, 10 + i);
        }
        await AssertIntactAsync(server);
        var database = server.Database;
        var target = await DatabaseShell.ScalarAsync<string>(database,
            "SELECT CAST(id AS TEXT) FROM audit_events WHERE action = 'transfer.posted' ORDER BY id LIMIT 1 OFFSET 2");

        // Even the owner's plain UPDATE is refused by the trigger ...
        await Assert.ThrowsAnyAsync<DbException>(() => DatabaseShell.ExecuteAsync(database,
            $"UPDATE audit_events SET actor = 'mallory' WHERE id = '{target}'"));
        // ... so the tamperer disables it first.
        var disable = DatabaseShell.DisableAuditProtection(provider);
        await DatabaseShell.ExecuteAsync(database, $"{disable} UPDATE audit_events SET after = REPLACE(after, '\"amount\":12', '\"amount\":1200') WHERE id = '{target}'");

        var verification = await VerifyAsync(server);

        var broken = Assert.Single(verification.BrokenLinks);
        Assert.Equal(Guid.Parse(target), broken.EventId);
        Assert.Contains("altered", broken.Reason);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Verify_FindsDeletedAndTruncatedEvents(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 10_000);
        var (server, alice, _, _, from, to) = parties;
        // Enough events that some of the tenant's chains (writers pick one of 64 at random) hold three or more.
        for (var i = 0; i < 200; i++)
        {
            await alice.TransferAsync(from, to, 1);
        }
        var database = server.Database;
        // A chain with at least three events: delete one in the middle; in another chain, delete the last.
        var chains = await ChainsAsync(database);
        var (middleChain, middleLength) = chains.First(c => c.Length >= 3);
        var (lastChain, lastLength) = chains.First(c => c.Chain != middleChain && c.Length >= 1);
        var disable = DatabaseShell.DisableAuditProtection(provider);
        await DatabaseShell.ExecuteAsync(database, $"""
            {disable}
            DELETE FROM audit_events WHERE chain_id = '{middleChain}' AND sequence = 2;
            DELETE FROM audit_events WHERE chain_id = '{lastChain}' AND sequence = {lastLength};
            """);

        var verification = await VerifyAsync(server);

        Assert.Equal(2, verification.BrokenLinks.Count);
        var middle = Assert.Single(verification.BrokenLinks, b => b.ChainId == middleChain);
        Assert.Equal(2, middle.Sequence);
        Assert.Contains("missing", middle.Reason);
        var last = Assert.Single(verification.BrokenLinks, b => b.ChainId == lastChain);
        Assert.Equal(lastLength, last.Sequence);
        Assert.True(middleLength >= 3);
    }

    [Fact(Timeout = 120_000)]
    public async Task ConcurrentMovements_KeepEveryChainIntact()
    {
        await using var parties = await LedgerParties.StartAsync(DatabaseProvider.Postgres, aliceFunds: 1_000_000);
        var (server, alice, _, _, from, to) = parties;

        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (_, ct) => await (await alice.PostTransferAsync(from, to, 1)).ExpectAsync(HttpStatusCode.Created));

        var verification = await AssertIntactAsync(server);
        Assert.Equal(await CountAsync(server), verification.EventsChecked);
        Assert.True(verification.ChainsChecked > 1, "writers are spread over several chains");
    }

    internal static async Task<List<JsonElement>> EventsAsync(HttpClient admin, string query)
    {
        var page = await (await admin.GetAsync($"/api/v1/admin/audit?limit=200&{query}")).ExpectAsync(HttpStatusCode.OK);
        return page.GetProperty("items").EnumerateArray().ToList();
    }

    private static Task<long> CountAsync(CofferTestServer server) =>
        DatabaseShell.ScalarAsync<long>(server.Database, "SELECT COUNT(*) FROM audit_events");

    private static async Task<List<(string Chain, long Length)>> ChainsAsync(TestDatabase database)
    {
        await using var connection = DatabaseShell.Connection(database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT chain_id, length FROM audit_chains ORDER BY length DESC";
        await using var reader = await command.ExecuteReaderAsync();
        var chains = new List<(string, long)>();
        while (await reader.ReadAsync())
        {
            chains.Add((reader.GetString(0), reader.GetInt64(1)));
        }
        return chains;
    }

    internal static async Task<AuditVerification> VerifyAsync(CofferTestServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AuditChainVerifier>().VerifyAsync(null, CancellationToken.None);
    }

    private static async Task<AuditVerification> AssertIntactAsync(CofferTestServer server)
    {
        var verification = await VerifyAsync(server);
        Assert.True(verification.IsIntact, string.Join("; ", verification.BrokenLinks));
        Assert.True(verification.EventsChecked > 0);
        return verification;
    }
}

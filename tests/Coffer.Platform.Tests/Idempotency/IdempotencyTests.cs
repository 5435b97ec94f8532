using System.Net;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Npgsql;

namespace Coffer.Platform.Tests.Idempotency;

/// <summary>Stripe semantics of the Idempotency-Key header, on both engines, through real endpoints.</summary>
public sealed class IdempotencyTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task SameKeySameRequest_ReplaysStatusAndBodyWithoutMovingMoneyTwice(DatabaseProvider provider)
    {
        await using var setup = await LedgerParties.StartAsync(provider, aliceFunds: 1_000_000);

        var first = await setup.Alice.PostJsonAsync("/api/v1/transfers", setup.AliceToBob(100), "key-1");
        var second = await setup.Alice.PostJsonAsync("/api/v1/transfers", setup.AliceToBob(100), "key-1");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", Assert.Single(second.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(1, await LedgerAudit.CountTransfersAsync(setup.Server.Database, "transfer"));
        Assert.Equal(1_000_000 - 100, (await setup.Alice.BalanceAsync(setup.AliceWallet)).GetProperty("posted").GetInt64());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task SameKeyDifferentBody_Is422AndMovesNothing(DatabaseProvider provider)
    {
        await using var setup = await LedgerParties.StartAsync(provider, aliceFunds: 1_000_000);
        await (await setup.Alice.PostJsonAsync("/api/v1/transfers", setup.AliceToBob(100), "key-1")).ExpectAsync(HttpStatusCode.Created);

        var reused = await (await setup.Alice.PostJsonAsync("/api/v1/transfers", setup.AliceToBob(101), "key-1"))
            .ExpectAsync(HttpStatusCode.UnprocessableEntity);
        var otherEndpoint = await (await setup.Alice.PostJsonAsync("/api/v1/accounts", new { currency = "USD" }, "key-1"))
            .ExpectAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal("idempotency_key_reused", reused.Code());
        Assert.Equal("idempotency_key_reused", otherEndpoint.Code());
        Assert.Equal(1, await LedgerAudit.CountTransfersAsync(setup.Server.Database, "transfer"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task MissingOrOversizedKey_Is400(DatabaseProvider provider)
    {
        await using var setup = await LedgerParties.StartAsync(provider, aliceFunds: 1_000_000);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/transfers")
        {
            Content = System.Net.Http.Json.JsonContent.Create(setup.AliceToBob(100)),
        };

        var missing = await (await setup.Alice.SendAsync(request)).ExpectAsync(HttpStatusCode.BadRequest);
        var oversized = await (await setup.Alice.PostJsonAsync("/api/v1/transfers", setup.AliceToBob(100), new string('k', 256)))
            .ExpectAsync(HttpStatusCode.BadRequest);
        await (await setup.Alice.PostJsonAsync("/api/v1/transfers", setup.AliceToBob(100), new string('k', 255))).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("idempotency_key_missing", missing.Code());
        Assert.Equal("validation_failed", oversized.Code());
        Assert.True(oversized.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        Assert.Equal(1, await LedgerAudit.CountTransfersAsync(setup.Server.Database, "transfer"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task KeysAreScopedToTheSubjectAndTenant_SoEqualKeysOfOthersAreIndependent(DatabaseProvider provider)
    {
        await using var setup = await LedgerParties.StartAsync(provider, aliceFunds: 1_000_000);
        await setup.Ops.DepositAsync(setup.BobWallet, 500);
        var otherTenant = setup.Server.Customer("alice", "globex");
        var otherWallet = await otherTenant.CreateWalletAsync();

        await (await setup.Alice.PostJsonAsync("/api/v1/transfers", setup.AliceToBob(100), "shared")).ExpectAsync(HttpStatusCode.Created);
        var bobs = await setup.Bob.PostTransferAsync(setup.BobWallet, setup.AliceWallet, 7, idempotencyKey: "shared");
        var globex = await otherTenant.PostJsonAsync("/api/v1/accounts", new { currency = "EUR" }, "shared");

        await bobs.ExpectAsync(HttpStatusCode.Created);
        Assert.False(bobs.Headers.Contains("Idempotent-Replayed"));
        await globex.ExpectAsync(HttpStatusCode.Created);
        Assert.NotEqual(otherWallet, (await globex.JsonAsync()).GetProperty("id").GetGuid());
        Assert.Equal(2, await LedgerAudit.CountTransfersAsync(setup.Server.Database, "transfer"));
    }

    [Theory(Timeout = 120_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task IdenticalConcurrentRequests_YieldExactlyOneTransferAndReplaysOr409(DatabaseProvider provider)
    {
        await using var setup = await LedgerParties.StartAsync(provider, aliceFunds: 1_000_000);
        for (var round = 0; round < 5; round++)
        {
            var key = $"race-{round}";
            var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
                setup.Alice.PostJsonAsync("/api/v1/transfers", setup.AliceToBob(10), key)));

            var statuses = responses.Select(r => r.StatusCode).ToList();
            Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Created or HttpStatusCode.Conflict, $"unexpected {s}"));
            var bodies = await Task.WhenAll(responses.Where(r => r.StatusCode == HttpStatusCode.Created).Select(r => r.Content.ReadAsStringAsync()));
            Assert.NotEmpty(bodies);
            Assert.Single(bodies.Distinct());
            Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created && !r.Headers.Contains("Idempotent-Replayed")));
        }
        Assert.Equal(5, await LedgerAudit.CountTransfersAsync(setup.Server.Database, "transfer"));
        Assert.Empty(await LedgerAudit.CheckAsync(setup.Server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task SettledBusinessFailure_IsReplayedEvenAfterTheCauseGoesAway(DatabaseProvider provider)
    {
        await using var setup = await LedgerParties.StartAsync(provider, aliceFunds: 1_000_000);
        var poorWallet = await setup.Ops.CreateWalletAsync(ownerId: "alice");
        var request = new { fromAccountId = poorWallet, toAccountId = setup.BobWallet, amount = 50, currency = "USD" };

        var declined = await (await setup.Alice.PostJsonAsync("/api/v1/transfers", request, "pay-1")).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        await setup.Ops.DepositAsync(poorWallet, 100);
        var retried = await setup.Alice.PostJsonAsync("/api/v1/transfers", request, "pay-1");

        Assert.Equal("insufficient_funds", declined.Code());
        Assert.Equal("insufficient_funds", (await retried.ExpectAsync(HttpStatusCode.UnprocessableEntity)).Code());
        Assert.Equal("true", Assert.Single(retried.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal("application/problem+json", retried.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await LedgerAudit.CountTransfersAsync(setup.Server.Database, "transfer"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ValidationFailure_IsNotStored_SoTheCorrectedRequestMayReuseTheKey(DatabaseProvider provider)
    {
        await using var setup = await LedgerParties.StartAsync(provider, aliceFunds: 1_000_000);

        await (await setup.Alice.PostJsonAsync("/api/v1/transfers", setup.AliceToBob(-5), "fix-me")).ExpectAsync(HttpStatusCode.BadRequest);
        var corrected = await setup.Alice.PostJsonAsync("/api/v1/transfers", setup.AliceToBob(5), "fix-me");

        await corrected.ExpectAsync(HttpStatusCode.Created);
        Assert.False(corrected.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact(Timeout = 60_000)]
    public async Task KeyHeldByAnUncommittedRequest_Answers409InFlightAfterTheLockTimeout()
    {
        await using var setup = await LedgerParties.StartAsync(DatabaseProvider.Postgres, aliceFunds: 1_000_000,
            settings: new Dictionary<string, string?> { ["Coffer:Database:LockTimeoutMilliseconds"] = "300" });
        await using var holder = new NpgsqlConnection(setup.Server.Database.AdminConnectionString);
        await holder.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var claim = new NpgsqlCommand(
            """
            INSERT INTO idempotency_records (tenant_id, subject, key, request_hash, created_at, expires_at)
            VALUES ('acme', 'alice', 'busy', 'x', now(), now() + interval '1 day')
            """, holder, transaction))
        {
            await claim.ExecuteNonQueryAsync();
        }

        var response = await setup.Alice.PostJsonAsync("/api/v1/transfers", setup.AliceToBob(10), "busy");

        Assert.Equal("idempotency_key_in_flight", (await response.ExpectAsync(HttpStatusCode.Conflict)).Code());
        await transaction.RollbackAsync();
        await (await setup.Alice.PostJsonAsync("/api/v1/transfers", setup.AliceToBob(10), "busy")).ExpectAsync(HttpStatusCode.Created);
    }
}

using System.Net;
using System.Net.Http.Json;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Investments.Tests.Api;

/// <summary>
/// SEEDS §A: the key in the body or the header, a duplicate request answered with the same result, checked before any money
/// moves and again inside the job processor.
/// </summary>
public sealed class IdempotencyTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task DuplicateRequestWithSameKey_ReturnsTheSameResult_AndCreatesOneInvestment(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider);
        var product = await kit.OpenProductAsync();
        var body = new { productId = product, accountId = kit.AliceWallet, amount = 5_000 };

        var first = await kit.Alice.PostJsonAsync("/api/v1/investment/investments", body, idempotencyKey: "inv-key-1");
        var second = await kit.Alice.PostJsonAsync("/api/v1/investment/investments", body, idempotencyKey: "inv-key-1");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1L, await DatabaseShell.ScalarAsync<long>(kit.Database, "SELECT COUNT(*) FROM investments"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task KeyInTheBody_IsAccepted_ReplayedAndEchoed(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider);
        var product = await kit.OpenProductAsync();
        var id = await kit.InvestAsync(product, 5_000);

        Task<HttpResponseMessage> Execute() => kit.Alice.PostAsJsonAsync($"/api/v1/investment/investments/{id}/execute",
            new { idempotencyKey = "body-key-7" });
        var first = await Execute();
        var again = await Execute();

        var queued = await first.ExpectAsync(HttpStatusCode.Accepted);
        Assert.Equal("body-key-7", queued.GetProperty("idempotencyKey").GetString());
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        // Without any key at all the request is refused before anything happens.
        var keyless = new HttpRequestMessage(HttpMethod.Post, "/api/v1/investment/investments")
        {
            Content = JsonContent.Create(new { productId = product, accountId = kit.AliceWallet, amount = 5_000 }),
        };
        Assert.Equal("idempotency_key_missing", (await (await kit.Alice.SendAsync(keyless)).ExpectAsync(HttpStatusCode.BadRequest)).Code());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ReplayedExecuteJob_FindsTheInvestmentSettled_AndMovesNoMoneyAgain(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider);
        var product = await kit.OpenProductAsync();
        var id = await kit.InvestAsync(product, 7_000);
        var active = await kit.ExecuteAsync(id);
        var jobId = active.GetProperty("executeJobId").GetGuid();

        // An operator replays the succeeded job by hand (as after a redelivery): the processor checks again.
        await DatabaseShell.ExecuteAsync(kit.Database,
            "UPDATE jobs SET status = 'queued', next_run_at = created_at, lease_owner = NULL, lease_expires_at = NULL WHERE type = 'execute-investment'");
        await kit.Ops.WaitForJobAsync(jobId, j => j.GetProperty("status").GetString() == "succeeded" && j.GetProperty("attempts").GetInt32() >= 2);

        Assert.Equal(1, await kit.TransfersWithReferenceAsync($"investment:{id:N}"));
        Assert.Equal(InvestmentKit.AliceFunds - 7_000, (await kit.Alice.BalanceAsync(kit.AliceWallet)).GetProperty("posted").GetInt64());
    }
}

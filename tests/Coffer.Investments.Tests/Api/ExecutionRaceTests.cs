using System.Net;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Investments.Tests.Api;

/// <summary>Concurrent executions of one investment: however many requests and keys, one debit and one execution.</summary>
public sealed class ExecutionRaceTests
{
    [Theory(Timeout = 120_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task FiftyConcurrentExecutes_WithDifferentKeys_DebitOnceAndExecuteOnce(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider);
        var product = await kit.OpenProductAsync();
        var id = await kit.InvestAsync(product, 40_000);
        var clients = Enumerable.Range(0, 50).Select(_ => kit.Alice).ToList();

        var responses = await Task.WhenAll(clients.Select(client =>
            client.PostJsonAsync($"/api/v1/investment/investments/{id}/execute", null, idempotencyKey: Guid.NewGuid().ToString())));

        var accepted = responses.Where(r => r.StatusCode == HttpStatusCode.Accepted).ToList();
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.Conflict).ToList();
        Assert.Single(accepted);
        Assert.Equal(49, refused.Count);
        foreach (var response in refused)
        {
            Assert.Equal("invalid_transition", (await response.ExpectAsync(HttpStatusCode.Conflict)).Code());
        }
        var jobId = (await accepted[0].ExpectAsync(HttpStatusCode.Accepted)).GetProperty("jobId").GetGuid();
        await kit.Alice.WaitForJobAsync(jobId, j => j.GetProperty("status").GetString() == "succeeded");
        Assert.Equal("active", (await kit.InvestmentAsync(id)).GetProperty("status").GetString());
        Assert.Equal(1, await kit.TransfersWithReferenceAsync($"investment:{id:N}:debit"));
        Assert.Equal(1L, await DatabaseShell.ScalarAsync<long>(kit.Database, "SELECT COUNT(*) FROM jobs WHERE type = 'execute-investment'"));
        Assert.Equal(InvestmentKit.AliceFunds - 40_000, (await kit.Alice.BalanceAsync(kit.AliceWallet)).GetProperty("posted").GetInt64());
        Assert.Empty(await LedgerAudit.CheckAsync(kit.Database));
    }

    [Theory(Timeout = 120_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ConcurrentExecutesOfManyInvestments_OfOneWallet_NeverOverdrawIt(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider);
        var product = await kit.OpenProductAsync();
        // 30 investments of 50,000 against 1,000,000: exactly 20 can be paid for.
        var ids = new List<Guid>();
        for (var i = 0; i < 30; i++)
        {
            ids.Add(await kit.InvestAsync(product, 50_000));
        }

        var responses = await Task.WhenAll(ids.Select(id => kit.Alice.PostJsonAsync($"/api/v1/investment/investments/{id}/execute", null)));
        foreach (var response in responses)
        {
            var job = (await response.ExpectAsync(HttpStatusCode.Accepted)).GetProperty("jobId").GetGuid();
            await kit.Alice.WaitForJobAsync(job, j => j.GetProperty("status").GetString() == "succeeded", TimeSpan.FromSeconds(60));
        }

        var statuses = new List<string>();
        foreach (var id in ids)
        {
            statuses.Add((await kit.InvestmentAsync(id)).GetProperty("status").GetString()!);
        }
        Assert.Equal(20, statuses.Count(s => s == "active"));
        Assert.Equal(10, statuses.Count(s => s == "failed"));
        Assert.Equal(0, (await kit.Alice.BalanceAsync(kit.AliceWallet)).GetProperty("posted").GetInt64());
        Assert.Empty(await LedgerAudit.CheckAsync(kit.Database));
    }
}

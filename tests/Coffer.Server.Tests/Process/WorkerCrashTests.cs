using System.Net;
using Coffer.FakeProvider;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Coffer.Testing.Process;

namespace Coffer.Server.Tests.Process;

/// <summary>
/// Issue 5, "Done means": a worker killed mid-job (kill -9, after the provider received the payout and before the
/// worker committed anything) loses its lease; the job runs again in the next process, the provider answers the repeated
/// idempotency key without paying again, and the money leaves the wallet once.
/// </summary>
[Collection(ServerProcessCollection.Name)]
public sealed class WorkerCrashTests
{
    [Fact(Timeout = 120_000)]
    public async Task WorkerKilledMidPayout_LosesItsLease_TheJobRunsAgain_AndTheMoneyMovesOnce()
    {
        await using var payouts = await FakeProviderServer.StartAsync();
        await payouts.DelayAsync(TimeSpan.FromSeconds(4), times: 1); // the first payout is slow: the worker dies waiting
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var settings = new Dictionary<string, string?>(database.Settings)
        {
            ["Coffer:Providers:Payouts:BaseUrl"] = payouts.BaseUrl.ToString(),
            ["Coffer:Providers:Payouts:AttemptTimeoutSeconds"] = "10",
            ["Coffer:Jobs:LeaseSeconds"] = "8",
            ["Coffer:Jobs:PollMilliseconds"] = "100",
        };
        await using var server = await ServerProcess.StartAsync(settings);
        using var ops = server.ClientFor("ops", "acme", "operator");
        using var alice = server.ClientFor("alice", "acme", "customer");
        var wallet = await alice.CreateWalletAsync();
        await ops.DepositAsync(wallet, 10_000);

        var accepted = await (await alice.PostJsonAsync("/api/v1/withdrawals",
            new { accountId = wallet, amount = 4_000, currency = "USD", destination = new { accountNumber = "GB29NWBK60161331926819" } }))
            .ExpectAsync(HttpStatusCode.Accepted);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await payouts.GetCallsAsync()).Endpoints[FakeEndpoints.Payouts].Attempts == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The worker never called the provider.\n{server.Output}");
            await Task.Delay(50);
        }
        server.KillHard(); // the payout is in flight at the provider; nothing was committed

        await server.RestartAsync();
        using var opsAgain = server.ClientFor("ops", "acme", "operator");
        var job = await opsAgain.WaitForJobAsync(accepted.GetProperty("jobId").GetGuid(),
            j => j.GetProperty("status").GetString() == "succeeded", TimeSpan.FromSeconds(45));
        Assert.Equal(2, job.GetProperty("attempts").GetInt32()); // the killed attempt, then the one after its lease expired

        var withdrawal = await (await opsAgain.GetAsync($"/api/v1/withdrawals/{accepted.GetProperty("withdrawalId").GetGuid()}"))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("paid", withdrawal.GetProperty("status").GetString());
        var calls = (await payouts.GetCallsAsync()).Endpoints[FakeEndpoints.Payouts];
        Assert.Equal(1, calls.Created); // paid once ...
        Assert.True(calls.Attempts >= 2); // ... though asked again
        var balance = await opsAgain.BalanceAsync(wallet);
        Assert.Equal(6_000, balance.GetProperty("posted").GetInt64());
        Assert.Equal(6_000, balance.GetProperty("available").GetInt64());
        Assert.Empty(await LedgerAudit.CheckAsync(database));
    }
}

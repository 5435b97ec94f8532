using System.Net;
using Coffer.FakeProvider;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Ledger.Tests.Api;

/// <summary>
/// withdrawal.large (issue 8): above the tenant's policy threshold a withdrawal waits for its quorum with nothing held and the
/// account number only as a token; once approved it is held and paid out like any other; below the threshold nothing changes.
/// </summary>
public sealed class LargeWithdrawalApprovalTests
{
    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task LargeWithdrawal_WaitsForTheQuorum_ThenIsHeldAndPaidOnce(DatabaseProvider provider)
    {
        await using var payouts = await FakeProviderServer.StartAsync();
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 10_000, settings: new Dictionary<string, string?>
        {
            ["Coffer:Providers:Payouts:BaseUrl"] = payouts.BaseUrl.ToString(),
            ["Coffer:Jobs:PollMilliseconds"] = "50",
        });
        var (server, alice, _, _, wallet, _) = parties;
        var admin = server.Admin();
        await (await admin.PostJsonAsync("/api/v1/approvals/partners", new { subject = "p1", displayName = "P1" })).ExpectAsync(HttpStatusCode.Created);
        await (await admin.PutJsonAsync("/api/v1/approvals/policies/withdrawal.large",
            new { thresholds = new Dictionary<string, long> { ["USD"] = 5_000 }, requiredSignatures = 1 })).ExpectAsync(HttpStatusCode.Created);
        object Withdrawal(long amount) => new { accountId = wallet, amount, currency = "USD", destination = new { accountNumber = "DE89 3704 0044 0532 0130 00" } };

        // Below the threshold: held and queued at once, as before.
        await (await alice.PostJsonAsync("/api/v1/withdrawals", Withdrawal(1_000))).ExpectAsync(HttpStatusCode.Accepted);
        var pending = await (await alice.PostJsonAsync("/api/v1/withdrawals", Withdrawal(6_000))).ExpectAsync(HttpStatusCode.Accepted);

        Assert.Equal("pending_approval", pending.GetProperty("status").GetString());
        Assert.Equal(9_000, (await alice.BalanceAsync(wallet)).GetProperty("available").GetInt64()); // only the small one is held
        var approvalId = pending.GetProperty("approvalId").GetGuid();
        var approval = await (await admin.GetAsync($"/api/v1/approvals/{approvalId}")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain("0532013000", approval.GetRawText());
        Assert.StartsWith("tok_", approval.GetProperty("payload").GetProperty("destinationToken").GetString());

        await (await server.ClientFor("p1", RoleClients.DefaultTenant, "partner").PostJsonAsync($"/api/v1/approvals/{approvalId}/signatures", null))
            .ExpectAsync(HttpStatusCode.Created);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await payouts.GetCallsAsync()).Endpoints[FakeEndpoints.Payouts].Created < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the approved withdrawal was never paid out");
            await Task.Delay(50);
        }
        var executed = await (await admin.GetAsync($"/api/v1/approvals/{approvalId}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("executed", executed.GetProperty("status").GetString());
        var withdrawal = executed.GetProperty("result").GetProperty("withdrawalId").GetGuid();
        var paid = await alice.WaitForWithdrawalAsync(withdrawal);
        Assert.Equal(6_000, paid.GetProperty("amount").GetInt64());
        // Both withdrawals are out of reach (the small one may still be held until its own payout lands).
        Assert.Equal(3_000, (await alice.BalanceAsync(wallet)).GetProperty("available").GetInt64());
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }
}

internal static class WithdrawalWaits
{
    public static async Task<System.Text.Json.JsonElement> WaitForWithdrawalAsync(this HttpClient client, Guid withdrawal)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var read = await (await client.GetAsync($"/api/v1/withdrawals/{withdrawal}")).ExpectAsync(HttpStatusCode.OK);
            if (read.GetProperty("status").GetString() == "paid")
            {
                return read;
            }
            Assert.True(DateTime.UtcNow < deadline, $"withdrawal {withdrawal} was never paid: {read}");
            await Task.Delay(50);
        }
    }
}

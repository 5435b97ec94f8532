using System.Net;
using Coffer.FakeProvider;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Ledger.Tests.Api;

/// <summary>
/// Withdrawals against the fake payout provider over loopback HTTP: funds are held at once, paid out by a job exactly
/// once, released when the provider refuses, and kept held (and visible) when the provider hangs past every retry.
/// </summary>
public sealed class WithdrawalTests
{
    private const string AccountNumber = "DE89 3704 0044 0532 0130 00";

    private static Dictionary<string, string?> Settings(FakeProviderServer provider) => new()
    {
        ["Coffer:Providers:Payouts:BaseUrl"] = provider.BaseUrl.ToString(),
        ["Coffer:Providers:Payouts:AttemptTimeoutSeconds"] = "0.5",
        ["Coffer:Providers:Payouts:TotalTimeoutSeconds"] = "2",
        ["Coffer:Providers:Payouts:MaxRetries"] = "1",
        ["Coffer:Providers:Payouts:RetryBaseDelayMilliseconds"] = "10",
        ["Coffer:Providers:Payouts:BreakAfterConsecutiveFailures"] = "50",
        ["Coffer:Jobs:PollMilliseconds"] = "50",
        ["Coffer:Jobs:Types:withdrawal.payout:FirstBackoffSeconds"] = "0.2",
    };

    private static object Withdrawal(Guid wallet, long amount, string accountNumber = AccountNumber) =>
        new { accountId = wallet, amount, currency = "USD", destination = new { accountNumber } };

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Withdrawal_HoldsAtOnce_PaysOutOnce_AndCapturesTheHold(DatabaseProvider provider)
    {
        await using var payouts = await FakeProviderServer.StartAsync();
        await payouts.DelayAsync(TimeSpan.FromMilliseconds(300)); // time to see the funds held before the payout lands
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 10_000, settings: Settings(payouts));
        var (server, alice, _, ops, wallet, _) = parties;

        var response = await alice.PostJsonAsync("/api/v1/withdrawals", Withdrawal(wallet, 4_000));
        var accepted = await response.ExpectAsync(HttpStatusCode.Accepted);
        Assert.Equal("queued", accepted.GetProperty("status").GetString());
        var id = accepted.GetProperty("withdrawalId").GetGuid();
        Assert.Equal($"/api/v1/withdrawals/{id}", response.Headers.Location?.OriginalString);
        // Held at once: the rest is all that can be spent meanwhile.
        Assert.Equal(6_000, (await alice.BalanceAsync(wallet)).GetProperty("available").GetInt64());
        Assert.Equal("insufficient_funds", (await (await alice.PostTransferAsync(wallet, parties.BobWallet, 6_001)).ExpectAsync(HttpStatusCode.UnprocessableEntity)).Code());

        await alice.WaitForJobAsync(accepted.GetProperty("jobId").GetGuid(), j => j.GetProperty("status").GetString() == "succeeded");
        var paid = await (await alice.GetAsync($"/api/v1/withdrawals/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("paid", paid.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(paid.GetProperty("providerReference").GetString()));
        Assert.StartsWith("tok_", paid.GetProperty("destination").GetProperty("token").GetString());
        Assert.Equal("3000", paid.GetProperty("destination").GetProperty("last4").GetString());
        Assert.DoesNotContain("0532013000", paid.GetRawText().Replace(" ", ""));
        var balance = await alice.BalanceAsync(wallet);
        Assert.Equal(6_000, balance.GetProperty("posted").GetInt64());
        Assert.Equal(6_000, balance.GetProperty("available").GetInt64());
        var calls = (await payouts.GetCallsAsync()).Endpoints[FakeEndpoints.Payouts];
        Assert.Equal(1, calls.Created);
        Assert.Equal(id.ToString(), calls.Calls[0].IdempotencyKey);

        // Strangers see nothing; the operator of the tenant sees it.
        await (await parties.Carol.GetAsync($"/api/v1/withdrawals/{id}")).ExpectAsync(HttpStatusCode.NotFound);
        await (await server.Operator("globex").GetAsync($"/api/v1/withdrawals/{id}")).ExpectAsync(HttpStatusCode.NotFound);
        await (await ops.GetAsync($"/api/v1/withdrawals/{id}")).ExpectAsync(HttpStatusCode.OK);
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task RefusedPayout_VoidsTheHold_AndTheFundsAreAvailableAgain(DatabaseProvider provider)
    {
        await using var payouts = await FakeProviderServer.StartAsync();
        await payouts.RejectAsync();
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 10_000, settings: Settings(payouts));
        var (_, alice, _, _, wallet, _) = parties;

        var accepted = await (await alice.PostJsonAsync("/api/v1/withdrawals", Withdrawal(wallet, 4_000))).ExpectAsync(HttpStatusCode.Accepted);
        var job = await alice.WaitForJobAsync(accepted.GetProperty("jobId").GetGuid(), j => j.GetProperty("status").GetString() == "succeeded");
        Assert.Equal(1, job.GetProperty("attempts").GetInt32()); // a refusal is final: no retry
        var failed = await (await alice.GetAsync($"/api/v1/withdrawals/{accepted.GetProperty("withdrawalId").GetGuid()}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("account_closed", failed.GetProperty("failureReason").GetString());
        var balance = await alice.BalanceAsync(wallet);
        Assert.Equal(10_000, balance.GetProperty("posted").GetInt64());
        Assert.Equal(10_000, balance.GetProperty("available").GetInt64());
    }

    [Fact(Timeout = 90_000)]
    public async Task HangingProvider_IsRetriedThenDead_TheHoldStaysHeld_AndAReplayAfterRecoveryPaysOnce()
    {
        await using var payouts = await FakeProviderServer.StartAsync();
        await payouts.HangAsync();
        await using var parties = await LedgerParties.StartAsync(DatabaseProvider.Postgres, aliceFunds: 10_000, settings: Settings(payouts));
        var (_, alice, _, ops, wallet, _) = parties;

        var accepted = await (await alice.PostJsonAsync("/api/v1/withdrawals", Withdrawal(wallet, 4_000))).ExpectAsync(HttpStatusCode.Accepted);
        var jobId = accepted.GetProperty("jobId").GetGuid();
        var dead = await ops.WaitForJobAsync(jobId, j => j.GetProperty("status").GetString() == "dead", TimeSpan.FromSeconds(60));
        Assert.Equal(4, dead.GetProperty("attempts").GetInt32());
        var withdrawalId = accepted.GetProperty("withdrawalId").GetGuid();
        Assert.Equal("queued", (await (await ops.GetAsync($"/api/v1/withdrawals/{withdrawalId}")).ExpectAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        Assert.Equal(6_000, (await alice.BalanceAsync(wallet)).GetProperty("available").GetInt64()); // still held
        var dlq = await (await ops.GetAsync("/api/v1/admin/jobs?status=dead&type=withdrawal.payout")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(dlq.GetProperty("items").EnumerateArray(), j => j.GetProperty("id").GetGuid() == jobId);

        // The provider is back; the operator replays. The provider may have seen the earlier attempts, but pays once.
        await payouts.SucceedAsync();
        await (await ops.PostJsonAsync($"/api/v1/admin/jobs/{jobId}/replay", new { reason = "provider recovered" })).ExpectAsync(HttpStatusCode.OK);
        await ops.WaitForJobAsync(jobId, j => j.GetProperty("status").GetString() == "succeeded");
        Assert.Equal("paid", (await (await ops.GetAsync($"/api/v1/withdrawals/{withdrawalId}")).ExpectAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        Assert.Equal(6_000, (await alice.BalanceAsync(wallet)).GetProperty("posted").GetInt64());
        Assert.Equal(1, (await payouts.GetCallsAsync()).Endpoints[FakeEndpoints.Payouts].Created);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task InvalidRequests_MoveNothing(DatabaseProvider provider)
    {
        await using var payouts = await FakeProviderServer.StartAsync();
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, settings: Settings(payouts));
        var (server, alice, bob, _, wallet, _) = parties;

        Assert.Equal("insufficient_funds",
            (await (await alice.PostJsonAsync("/api/v1/withdrawals", Withdrawal(wallet, 1_001))).ExpectAsync(HttpStatusCode.UnprocessableEntity)).Code());
        await (await bob.PostJsonAsync("/api/v1/withdrawals", Withdrawal(wallet, 10))).ExpectAsync(HttpStatusCode.NotFound);
        var invalid = await (await alice.PostJsonAsync("/api/v1/withdrawals", Withdrawal(wallet, 10, accountNumber: "12#45"))).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.True(invalid.GetProperty("errors").TryGetProperty("destination.accountNumber", out _));
        await (await alice.PostJsonAsync("/api/v1/withdrawals", new { accountId = wallet, amount = 10, currency = "EUR", destination = new { accountNumber = AccountNumber } }))
            .ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(1_000, (await alice.BalanceAsync(wallet)).GetProperty("available").GetInt64());
        Assert.Equal(0, (await payouts.GetCallsAsync()).Endpoints[FakeEndpoints.Payouts].Attempts);
    }

    [Fact(Timeout = 60_000)]
    public async Task WithoutAPayoutProvider_WithdrawalsAre503_AndTheKillSwitchStopsThem()
    {
        await using var parties = await LedgerParties.StartAsync(DatabaseProvider.Sqlite, aliceFunds: 1_000);
        var (server, alice, _, _, wallet, _) = parties;
        Assert.Equal("payouts_not_configured",
            (await (await alice.PostJsonAsync("/api/v1/withdrawals", Withdrawal(wallet, 10))).ExpectAsync(HttpStatusCode.ServiceUnavailable)).Code());
        await (await server.PlatformAdmin().PutJsonAsync("/api/v1/admin/flags/withdrawals_enabled", new { enabled = true, killSwitch = true, rolloutPercentage = 100 }))
            .ExpectAsync(HttpStatusCode.OK);
        var off = await (await alice.PostJsonAsync("/api/v1/withdrawals", Withdrawal(wallet, 10))).ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal("feature_disabled", off.Code());
        Assert.Equal("withdrawals_enabled", off.GetProperty("flag").GetString());
    }
}

using Coffer.FakeProvider;
using Coffer.Platform.Providers;

namespace Coffer.Platform.Tests.Providers;

/// <summary>The payout provider against the fake over real loopback HTTP: answers, idempotency, retries, refusals.</summary>
public sealed class PayoutProviderTests
{
    private const string AccountNumber = "GB33BUKB20201555555555";

    private static PayoutRequest Payout(string reference) => new(reference, 12_500, "EUR", AccountNumber, "Ada Lovelace");

    [Fact(Timeout = 30_000)]
    public async Task Payout_Succeeds_AndTheSameReferenceTwicePaysOnce()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        using var host = new ProviderHost(ProviderHost.Settings("Payouts", fake.BaseUrl));
        var request = Payout("payout-1");

        var first = await host.Payouts.PayOutAsync(request, CancellationToken.None);
        var again = await host.Payouts.PayOutAsync(request, CancellationToken.None);

        Assert.Equal("paid", first.Status);
        Assert.StartsWith("po_", first.ProviderReference);
        Assert.Equal(first, again);
        var payouts = (await fake.GetCallsAsync()).Payouts;
        Assert.Equal((2, 1, 1), (payouts.Attempts, payouts.Created, payouts.Replayed));
        Assert.All(payouts.Calls, call => Assert.Equal("payout-1", call.IdempotencyKey));
        Assert.Equal(2, host.Calls("payouts", "success"));
    }

    [Fact(Timeout = 30_000)]
    public async Task Transient503_IsRetriedAndThenSucceeds()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        using var host = new ProviderHost(ProviderHost.Settings("Payouts", fake.BaseUrl));
        await fake.FailAsync(times: 1);

        var receipt = await host.Payouts.PayOutAsync(Payout("payout-2"), CancellationToken.None);

        Assert.Equal("paid", receipt.Status);
        var payouts = (await fake.GetCallsAsync()).Payouts;
        Assert.Equal([FakeBehaviour.FailMode, FakeBehaviour.SucceedMode], payouts.Calls.Select(c => c.Mode));
        Assert.Equal(1, payouts.Created);
        Assert.Equal(1, host.Calls("payouts", "success"));
        Assert.Equal(0, host.Calls("payouts", "transient"));
    }

    [Fact(Timeout = 30_000)]
    public async Task SlowAnswer_AttemptTimesOutAndIsRetried_AndTheProviderStillPaysOnce()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        using var host = new ProviderHost(ProviderHost.Settings("Payouts", fake.BaseUrl, ("AttemptTimeoutSeconds", "0.5")));
        // A first call warms both ends up, so the first attempt below surely reaches the fake before it times out.
        await host.Payouts.PayOutAsync(Payout("warm-up"), CancellationToken.None);
        await fake.ResetAsync();
        await fake.DelayAsync(TimeSpan.FromMilliseconds(1_000), times: 1); // the first attempt is paid, but after the client gave up

        var receipt = await host.Payouts.PayOutAsync(Payout("payout-slow"), CancellationToken.None);
        await Task.Delay(TimeSpan.FromMilliseconds(1_000)); // let the abandoned first attempt finish at the provider

        var payouts = (await fake.GetCallsAsync()).Payouts;
        Assert.Equal("paid", receipt.Status);
        Assert.Equal((2, 1, 1), (payouts.Attempts, payouts.Created, payouts.Replayed));
    }

    [Fact(Timeout = 30_000)]
    public async Task Rejection422_IsNotRetried_AndSurfacesAsRejected()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        using var host = new ProviderHost(ProviderHost.Settings("Payouts", fake.BaseUrl));
        await fake.RejectAsync();

        var failure = await Assert.ThrowsAsync<ProviderException>(() => host.Payouts.PayOutAsync(Payout("payout-3"), CancellationToken.None));

        Assert.Equal(ProviderFailureKind.Rejected, failure.Kind);
        Assert.False(failure.IsRetryable);
        Assert.Equal(("payouts", 422, "account_closed"), (failure.Provider, failure.StatusCode, failure.ProviderErrorCode));
        Assert.Equal(1, (await fake.GetCallsAsync()).Payouts.Attempts);
        Assert.Equal(1, host.Calls("payouts", "rejected"));
    }

    [Fact(Timeout = 30_000)]
    public async Task TransientFailuresPastTheRetries_SurfaceAsTransient_AfterOnePlusMaxRetriesAttempts()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        using var host = new ProviderHost(ProviderHost.Settings("Payouts", fake.BaseUrl, ("MaxRetries", "3")));
        await fake.FailAsync();

        var failure = await Assert.ThrowsAsync<ProviderException>(() => host.Payouts.PayOutAsync(Payout("payout-4"), CancellationToken.None));

        Assert.Equal((ProviderFailureKind.Transient, 503), (failure.Kind, failure.StatusCode));
        Assert.True(failure.IsRetryable);
        Assert.Equal(4, (await fake.GetCallsAsync()).Payouts.Attempts);
        Assert.Equal(1, host.Calls("payouts", "transient"));
    }

    [Fact(Timeout = 30_000)]
    public async Task ProviderCalls_NeverLogTheAccountNumber_WhateverTheOutcome()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        using var host = new ProviderHost(ProviderHost.Settings("Payouts", fake.BaseUrl,
            ("MaxRetries", "1"), ("AttemptTimeoutSeconds", "0.2"), ("BreakAfterConsecutiveFailures", "2"), ("BreakSeconds", "30")));

        await host.Payouts.PayOutAsync(Payout("logged-1"), CancellationToken.None);
        await fake.RejectAsync(times: 1);
        await Assert.ThrowsAsync<ProviderException>(() => host.Payouts.PayOutAsync(Payout("logged-2"), CancellationToken.None));
        await fake.HangAsync(times: 2); // two timeouts in a row open the circuit
        await Assert.ThrowsAsync<ProviderException>(() => host.Payouts.PayOutAsync(Payout("logged-3"), CancellationToken.None));
        var shortCircuited = await Assert.ThrowsAsync<ProviderException>(() => host.Payouts.PayOutAsync(Payout("logged-4"), CancellationToken.None));

        Assert.Equal(ProviderFailureKind.Unavailable, shortCircuited.Kind);
        var logs = host.Logs.AllText;
        Assert.Contains("logged-2", logs); // the log lines are there, and name the reference ...
        Assert.Contains("circuit opened", logs);
        Assert.DoesNotContain(AccountNumber, logs); // ... but never the account
        Assert.DoesNotContain("Ada Lovelace", logs);
    }
}

using Coffer.FakeProvider;
using Coffer.Platform.Providers;

namespace Coffer.Platform.Tests.Providers;

/// <summary>
/// The circuit counts failed attempts (not calls) in a row and opens at exactly BreakAfterConsecutiveFailures; open, it
/// refuses calls without reaching the provider; after BreakSeconds one probe goes through and an answer closes it.
/// </summary>
public sealed class CircuitBreakerTests
{
    [Fact(Timeout = 60_000)]
    public async Task ProviderHangs_CircuitOpensAtTheFifthFailedAttempt_ShortCircuitsWithoutReachingIt_ThenClosesOnceItRecovers()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        // BreakAfterConsecutiveFailures left at the payments default: 5.
        using var host = new ProviderHost(ProviderHost.Settings("Payments", fake.BaseUrl,
            ("AttemptTimeoutSeconds", "0.5"), ("MaxRetries", "2"), ("BreakSeconds", "1")));
        var payments = host.Payments;
        // A first call warms both ends up, so no timed-out attempt below can have failed before it reached the fake.
        await payments.CreateIntentAsync(Intent("warm-up"), CancellationToken.None);
        await fake.ResetAsync();
        Assert.Equal(0, host.CircuitState("payments"));
        await fake.HangAsync();

        // Call 1: three attempts (one plus two retries) time out; 3 failures in a row, still closed.
        var first = await Assert.ThrowsAsync<ProviderException>(() => payments.CreateIntentAsync(Intent("hang-1"), CancellationToken.None));
        Assert.Equal((ProviderFailureKind.Transient, null), (first.Kind, first.StatusCode));
        Assert.Equal(3, await AttemptsAsync(fake));
        Assert.Equal(0, host.CircuitState("payments"));

        // Call 2: attempts 4 and 5 time out, the fifth opens the circuit, and the second retry is refused in process.
        var second = await Assert.ThrowsAsync<ProviderException>(() => payments.CreateIntentAsync(Intent("hang-2"), CancellationToken.None));
        Assert.Equal(ProviderFailureKind.Unavailable, second.Kind);
        Assert.Equal(5, await AttemptsAsync(fake));
        Assert.Equal(2, host.CircuitState("payments"));

        // Open: refused at once, the provider never sees it.
        var refused = await Assert.ThrowsAsync<ProviderException>(() => payments.CreateIntentAsync(Intent("hang-3"), CancellationToken.None));
        Assert.Equal(ProviderFailureKind.Unavailable, refused.Kind);
        Assert.InRange(refused.RetryAfter ?? TimeSpan.Zero, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
        Assert.Equal(5, await AttemptsAsync(fake));
        Assert.Equal(2, host.CircuitState("payments"));

        // The provider recovers; after the break one probe goes through, succeeds, and closes the circuit.
        await fake.SucceedAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var intent = await payments.CreateIntentAsync(Intent("after"), CancellationToken.None);
        Assert.StartsWith("pi_", intent.ProviderReference);
        Assert.Equal(0, host.CircuitState("payments"));
        Assert.Equal(6, await AttemptsAsync(fake));
        await payments.CreateIntentAsync(Intent("after-2"), CancellationToken.None);

        Assert.Equal((1L, 2L, 3L), (host.Calls("payments", "transient"), host.Calls("payments", "short_circuited"), host.Calls("payments", "success")));
        Assert.Contains("Provider payments circuit opened after 5 failed attempts in a row", host.Logs.AllText);
    }

    [Fact(Timeout = 60_000)]
    public async Task FailuresInterruptedByAnAnswer_CountFromZeroAgain_SoOnlyAnUnbrokenRunOpensTheCircuit()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        using var host = new ProviderHost(ProviderHost.Settings("Payouts", fake.BaseUrl,
            ("MaxRetries", "0"), ("BreakAfterConsecutiveFailures", "3"), ("BreakSeconds", "30")));
        var payouts = host.Payouts;

        await fake.FailAsync(times: 2);
        await FailsAsync(payouts, "a", ProviderFailureKind.Transient);
        await FailsAsync(payouts, "b", ProviderFailureKind.Transient);
        await payouts.PayOutAsync(Payout("c"), CancellationToken.None); // an answer: the count starts again
        await fake.FailAsync(times: 2);
        await FailsAsync(payouts, "d", ProviderFailureKind.Transient);
        await FailsAsync(payouts, "e", ProviderFailureKind.Transient);
        await fake.RejectAsync(times: 1);
        await FailsAsync(payouts, "f", ProviderFailureKind.Rejected); // a refusal is an answer too
        Assert.Equal(0, host.CircuitState("payouts"));

        await fake.FailAsync();
        await FailsAsync(payouts, "g", ProviderFailureKind.Transient);
        await FailsAsync(payouts, "h", ProviderFailureKind.Transient);
        Assert.Equal(0, host.CircuitState("payouts")); // two in a row: still closed
        await FailsAsync(payouts, "i", ProviderFailureKind.Transient); // the third opens it, and is itself answered
        Assert.Equal(2, host.CircuitState("payouts"));
        await FailsAsync(payouts, "j", ProviderFailureKind.Unavailable);

        Assert.Equal(9, (await fake.GetCallsAsync()).Payouts.Attempts); // a to i; j never left the process
    }

    [Fact(Timeout = 60_000)]
    public async Task FailedProbe_OpensTheCircuitAgain_ForAnotherBreak()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        using var host = new ProviderHost(ProviderHost.Settings("Payouts", fake.BaseUrl,
            ("MaxRetries", "0"), ("BreakAfterConsecutiveFailures", "2"), ("BreakSeconds", "1")));
        var payouts = host.Payouts;
        await fake.FailAsync();
        await FailsAsync(payouts, "a", ProviderFailureKind.Transient);
        await FailsAsync(payouts, "b", ProviderFailureKind.Transient);
        Assert.Equal(2, host.CircuitState("payouts"));

        await Task.Delay(TimeSpan.FromSeconds(1.2));
        await FailsAsync(payouts, "probe", ProviderFailureKind.Transient); // the probe reaches the provider and fails

        Assert.Equal(2, host.CircuitState("payouts"));
        await FailsAsync(payouts, "c", ProviderFailureKind.Unavailable);
        Assert.Equal(3, (await fake.GetCallsAsync()).Payouts.Attempts);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("Email", "email", FakeEndpoints.Emails, 3)]
    [InlineData("Shipping", "shipping", FakeEndpoints.Shipments, 3)]
    [InlineData("Storage", "storage", FakeEndpoints.Objects, 5)]
    public async Task DefaultThreshold_IsTheProvidersOwn_TheCircuitOpensAtExactlyThatFailedAttempt(
        string section, string provider, string endpoint, int threshold)
    {
        await using var fake = await FakeProviderServer.StartAsync();
        // BreakAfterConsecutiveFailures left at the provider's default; no retries, so each call is one attempt.
        using var host = new ProviderHost(ProviderHost.Settings(section, fake.BaseUrl, ("MaxRetries", "0"), ("BreakSeconds", "30")));
        Func<string, Task> call = section switch
        {
            "Email" => reference => host.Email.SendAsync(new EmailMessage(reference, "ada@example.org", "Hello", "Hello, Ada."), CancellationToken.None),
            "Shipping" => reference => host.Shipping.CreateShipmentAsync(
                new ShipmentRequest(reference, "order-1", [new ShipmentItem("SKU-1", 1)]), CancellationToken.None),
            _ => reference => host.Storage.PutAsync(new StorageRequest(reference, "a.txt", "text/plain", "aGk="), CancellationToken.None),
        };
        await fake.FailAsync();

        for (var attempt = 1; attempt < threshold; attempt++)
        {
            Assert.Equal(ProviderFailureKind.Transient, (await Assert.ThrowsAsync<ProviderException>(() => call($"fail-{attempt}"))).Kind);
            Assert.Equal(0, host.CircuitState(provider)); // fewer than the threshold in a row: still closed
        }
        Assert.Equal(ProviderFailureKind.Transient, (await Assert.ThrowsAsync<ProviderException>(() => call("fail-last"))).Kind);
        Assert.Equal(2, host.CircuitState(provider));
        Assert.Equal(ProviderFailureKind.Unavailable, (await Assert.ThrowsAsync<ProviderException>(() => call("refused"))).Kind);

        Assert.Equal(threshold, (await fake.GetCallsAsync()).Endpoints[endpoint].Attempts); // "refused" never left the process
        Assert.Contains($"Provider {provider} circuit opened after {threshold} failed attempts in a row", host.Logs.AllText);
    }

    private static PaymentIntentRequest Intent(string reference) => new(reference, 1_000, "USD");

    private static PayoutRequest Payout(string reference) => new(reference, 1_000, "USD", "12345678", null);

    private static async Task<int> AttemptsAsync(FakeProviderServer fake) => (await fake.GetCallsAsync()).PaymentIntents.Attempts;

    private static async Task FailsAsync(IPayoutProvider payouts, string reference, ProviderFailureKind kind)
    {
        var failure = await Assert.ThrowsAsync<ProviderException>(() => payouts.PayOutAsync(Payout(reference), CancellationToken.None));
        Assert.Equal(kind, failure.Kind);
    }
}

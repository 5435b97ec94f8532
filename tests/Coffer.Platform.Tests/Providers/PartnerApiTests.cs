using Coffer.FakeProvider;
using Coffer.Platform.Providers;

namespace Coffer.Platform.Tests.Providers;

/// <summary>
/// The partner API against the fake partner over real loopback HTTP: signed requests, idempotency, refusals, and one
/// circuit per partner.
/// </summary>
public sealed class PartnerApiTests
{
    private const string ApiKey = "pk_test_4f9c2a7e";
    private const string Secret = "sk_test_partner_signing_secret_91b3";
    private const string AccountNumber = "INV-77120045-9";

    private static PartnerEndpoint Partner(Uri baseUrl, string secret = Secret) => new(Guid.NewGuid(), baseUrl, ApiKey, secret);

    private static PartnerOrder Order(string reference) => new(reference, 50_000, "EUR", "FUND-GLOBAL-EQ", AccountNumber);

    private static async Task<FakeProviderServer> StartPartnerAsync()
    {
        var fake = await FakeProviderServer.StartAsync();
        await fake.AddPartnerCredentialsAsync(ApiKey, Secret);
        return fake;
    }

    [Fact(Timeout = 30_000)]
    public async Task PlaceInvestment_IsSignedAndVerified_AndTheSameReferenceTwicePlacesOnce()
    {
        await using var fake = await StartPartnerAsync();
        using var host = new ProviderHost(ProviderHost.PartnerSettings());
        var partner = Partner(fake.PartnerBaseUrl);

        var first = await host.Partners.PlaceInvestmentAsync(partner, Order("inv-1"), CancellationToken.None);
        var again = await host.Partners.PlaceInvestmentAsync(partner, Order("inv-1"), CancellationToken.None);

        Assert.Equal(new PartnerReceipt("pt_000001", "active"), first);
        Assert.Equal(first, again);
        var investments = (await fake.GetCallsAsync()).PartnerInvestments;
        Assert.Equal((2, 1, 1), (investments.Attempts, investments.Created, investments.Replayed));
        Assert.All(investments.Calls, call => Assert.Equal(("inv-1", true), (call.IdempotencyKey, call.SignatureVerified)));
        Assert.Equal(2, host.Calls("partners", "success"));
    }

    [Fact(Timeout = 30_000)]
    public async Task Redemption_GoesToTheRedemptionsEndpoint_OncePerReference()
    {
        await using var fake = await StartPartnerAsync();
        using var host = new ProviderHost(ProviderHost.PartnerSettings());
        var partner = Partner(fake.PartnerBaseUrl);
        var investment = await host.Partners.PlaceInvestmentAsync(partner, Order("inv-2"), CancellationToken.None);
        var redemption = new PartnerRedemption("red-2", investment.PartnerReference, 20_000, "EUR");

        var first = await host.Partners.RedeemInvestmentAsync(partner, redemption, CancellationToken.None);
        var again = await host.Partners.RedeemInvestmentAsync(partner, redemption, CancellationToken.None);

        Assert.StartsWith("pr_", first.PartnerReference);
        Assert.Equal(("redeemed", first), (first.Status, again));
        var redemptions = (await fake.GetCallsAsync()).PartnerRedemptions;
        Assert.Equal((2, 1, 1), (redemptions.Attempts, redemptions.Created, redemptions.Replayed));
        Assert.All(redemptions.Calls, call => Assert.Equal(("red-2", true), (call.IdempotencyKey, call.SignatureVerified)));
    }

    [Theory(Timeout = 30_000)]
    [InlineData(ApiKey, "sk_test_not_the_partners_secret")]
    [InlineData("pk_test_unknown", Secret)]
    public async Task WrongCredentials_AreRejected_NotRetried_AndPlaceNothing(string apiKey, string secret)
    {
        await using var fake = await StartPartnerAsync();
        using var host = new ProviderHost(ProviderHost.PartnerSettings());
        var partner = new PartnerEndpoint(Guid.NewGuid(), fake.PartnerBaseUrl, apiKey, secret);

        var failure = await Assert.ThrowsAsync<ProviderException>(() =>
            host.Partners.PlaceInvestmentAsync(partner, Order("inv-3"), CancellationToken.None));

        Assert.Equal((ProviderFailureKind.Rejected, "partners", 401, "invalid_credentials"),
            (failure.Kind, failure.Provider, failure.StatusCode, failure.ProviderErrorCode));
        var investments = (await fake.GetCallsAsync()).PartnerInvestments;
        Assert.Equal((1, 0), (investments.Attempts, investments.Created));
        Assert.Equal((false, FakeProviderState.RefusedMode), (investments.Calls[0].SignatureVerified, investments.Calls[0].Mode));
        Assert.Equal(1, host.Calls("partners", "rejected"));
        var written = failure.Message + "\n" + host.Logs.AllText;
        Assert.Contains("inv-3", host.Logs.AllText);
        Assert.Contains("X-Signature", host.Logs.AllText); // HttpClient's trace logs the headers' names, its values redacted
        Assert.DoesNotContain(partner.PartnerId.ToString(), host.Logs.AllText); // nor does Polly's telemetry tag the partner
        Assert.DoesNotContain(secret, written);
        Assert.DoesNotContain(apiKey, written);
        Assert.DoesNotContain(AccountNumber, written);
        Assert.DoesNotContain("v1=", written);
    }

    [Fact(Timeout = 60_000)]
    public async Task HangingPartner_AttemptsTimeOutAndAreRetried_ThenItsOwnCircuitOpens_OtherPartnersStillGoThrough_AndItRecovers()
    {
        await using var fake = await StartPartnerAsync();
        await using var healthyFake = await StartPartnerAsync();
        using var host = new ProviderHost(ProviderHost.PartnerSettings(
            ("AttemptTimeoutSeconds", "0.5"), ("MaxRetries", "2"), ("BreakAfterConsecutiveFailures", "3"), ("BreakSeconds", "2")));
        var partners = host.Partners;
        var sick = Partner(fake.PartnerBaseUrl);
        var neighbour = Partner(fake.PartnerBaseUrl); // another partner at the same address: a circuit is per partner, not per host
        var healthy = Partner(healthyFake.PartnerBaseUrl);
        // A first call warms both ends up, so no timed-out attempt below can have failed before it reached the fake.
        await partners.PlaceInvestmentAsync(sick, Order("warm-up"), CancellationToken.None);
        await fake.ResetAsync();
        await fake.AddPartnerCredentialsAsync(ApiKey, Secret);
        await fake.HangAsync();

        // Three attempts (one plus two retries) time out; the third is the third failure in a row and opens the circuit.
        var timedOut = await Assert.ThrowsAsync<ProviderException>(() => partners.PlaceInvestmentAsync(sick, Order("hang-1"), CancellationToken.None));
        Assert.Equal((ProviderFailureKind.Transient, null), (timedOut.Kind, timedOut.StatusCode));
        var hung = (await fake.GetCallsAsync()).PartnerInvestments;
        Assert.Equal([FakeBehaviour.HangMode, FakeBehaviour.HangMode, FakeBehaviour.HangMode], hung.Calls.Select(c => c.Mode));
        Assert.Equal(2, host.CircuitState("partners"));

        // Open: the sick partner's calls fail at once and never reach it ...
        var refused = await Assert.ThrowsAsync<ProviderException>(() => partners.PlaceInvestmentAsync(sick, Order("hang-2"), CancellationToken.None));
        Assert.Equal(ProviderFailureKind.Unavailable, refused.Kind);
        Assert.InRange(refused.RetryAfter ?? TimeSpan.Zero, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(2));
        Assert.Equal(3, (await fake.GetCallsAsync()).PartnerInvestments.Attempts);

        // ... while other partners' calls go through: one elsewhere, and one at the same (now answering) address.
        Assert.Equal("active", (await partners.PlaceInvestmentAsync(healthy, Order("healthy-1"), CancellationToken.None)).Status);
        await fake.SucceedAsync();
        Assert.Equal("active", (await partners.PlaceInvestmentAsync(neighbour, Order("neighbour-1"), CancellationToken.None)).Status);
        var stillRefused = await Assert.ThrowsAsync<ProviderException>(() =>
            partners.PlaceInvestmentAsync(sick, Order("hang-3"), CancellationToken.None));
        Assert.Equal(ProviderFailureKind.Unavailable, stillRefused.Kind);
        Assert.Equal(2, host.CircuitState("partners"));

        // After the break one probe goes through, succeeds, and closes the sick partner's circuit.
        await Task.Delay(TimeSpan.FromSeconds(2.3));
        Assert.Equal("active", (await partners.PlaceInvestmentAsync(sick, Order("after"), CancellationToken.None)).Status);
        Assert.Equal(0, host.CircuitState("partners"));

        var investments = (await fake.GetCallsAsync()).PartnerInvestments;
        Assert.Equal(["hang-1", "hang-1", "hang-1", "neighbour-1", "after"], investments.Calls.Select(c => c.IdempotencyKey));
        Assert.Equal((1L, 2L, 4L), (host.Calls("partners", "transient"), host.Calls("partners", "short_circuited"), host.Calls("partners", "success")));
        Assert.Contains($"Provider partners circuit of {sick.PartnerId} opened after 3 failed attempts in a row", host.Logs.AllText);
        Assert.DoesNotContain(Secret, host.Logs.AllText);
        Assert.DoesNotContain(ApiKey, host.Logs.AllText);
    }

    [Fact]
    public void ToString_LeavesOutTheCredentialsAndTheAccountNumber()
    {
        var partner = new PartnerEndpoint(Guid.NewGuid(), new Uri("https://partner.example/api/"), ApiKey, Secret);
        var order = Order("inv-9");

        Assert.Equal($"PartnerEndpoint {{ PartnerId = {partner.PartnerId}, BaseUrl = https://partner.example/api/, ApiKey = ***, Secret = *** }}",
            partner.ToString());
        Assert.Equal("PartnerOrder { Reference = inv-9, AmountMinor = 50000, Currency = EUR, ProductCode = FUND-GLOBAL-EQ, AccountNumber = *** }",
            order.ToString());
    }

    [Fact(Timeout = 30_000)]
    public async Task PlainHttpBaseUrl_IsRefusedBeforeAnythingIsSent()
    {
        using var host = new ProviderHost(ProviderHost.PartnerSettings());
        var partner = new PartnerEndpoint(Guid.NewGuid(), new Uri("http://partner.example/"), ApiKey, Secret);

        var failure = await Assert.ThrowsAsync<ArgumentException>(() =>
            host.Partners.PlaceInvestmentAsync(partner, Order("inv-10"), CancellationToken.None));

        Assert.Contains("must use https", failure.Message);
        Assert.DoesNotContain(ApiKey, failure.Message);
        Assert.Equal(0, host.Calls("partners", "transient") + host.Calls("partners", "success"));
    }
}

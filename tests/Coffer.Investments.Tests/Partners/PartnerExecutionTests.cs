using System.Net;
using System.Text.Json;
using Coffer.FakeProvider;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Investments.Tests.Partners;

/// <summary>
/// Executing an investment of a partnered product against the fake partner over loopback HTTP: placed once, signed, and
/// activated with the partner's reference tokenized; a refusal (or a suspended partner) compensates the debit in full.
/// </summary>
public sealed class PartnerExecutionTests
{
    private const string ApiKey = "pk_live_7Qm2vX9cB4";
    private const string Secret = "sk_live_partner_hmac_4TzR8wLk";
    private const long Amount = 25_000;

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Execute_WithAPartner_PlacesOnceSignedUnderTheInvestmentsReference_AndActivates(DatabaseProvider provider)
    {
        await using var fake = await FakeProviderServer.StartAsync();
        await using var kit = await InvestmentKit.StartAsync(provider);
        var partner = await kit.CreatePartnerAsync(fake, ApiKey, Secret, "GB29 NWBK 6016 1331 9268 19");
        var product = await kit.OpenProductAsync(partner: partner);
        var custody = (await kit.ProductAsync(product)).GetProperty("accounts").GetProperty("custody").GetGuid();
        var id = await kit.InvestAsync(product, Amount);

        var active = await kit.ExecuteAsync(id);

        Assert.Equal("active", active.GetProperty("status").GetString());
        var token = active.GetProperty("partnerReferenceToken").GetString();
        Assert.StartsWith("tok_", token);
        // The token stands for the reference the partner gave (its first placement), which the API never shows.
        Assert.Equal("pt_000001", await TokenVault.DetokenizeAsync(kit.Server.Services, RoleClients.DefaultTenant, token!));
        Assert.DoesNotContain("pt_000001", active.GetRawText());
        var placements = (await fake.GetCallsAsync()).PartnerInvestments;
        Assert.Equal((1, 1, 0), (placements.Attempts, placements.Created, placements.Replayed));
        var call = Assert.Single(placements.Calls);
        Assert.Equal(($"inv_{id:N}", true, FakeBehaviour.SucceedMode), (call.IdempotencyKey, call.SignatureVerified, call.Mode));
        Assert.Equal(InvestmentKit.AliceFunds - Amount, await kit.AlicePostedAsync());
        Assert.Equal(Amount, await kit.PostedAsync(custody));
        Assert.Equal(1, await kit.TransfersWithReferenceAsync($"investment:{id:N}:debit"));
        Assert.Equal(0, await kit.TransfersWithReferenceAsync($"investment:{id:N}:compensation"));
        Assert.Empty(await LedgerAudit.CheckAsync(kit.Database));
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task PartnerRefuses_TheDebitIsCompensatedInFull_AndTheInvestmentFailsWithThePartnersReason(DatabaseProvider provider)
    {
        await using var fake = await FakeProviderServer.StartAsync();
        await fake.SetBehaviourAsync(new FakeBehaviour(FakeBehaviour.RejectMode, Endpoint: FakeEndpoints.PartnerInvestments));
        await using var kit = await InvestmentKit.StartAsync(provider);
        var partner = await kit.CreatePartnerAsync(fake, ApiKey, Secret);
        var product = await kit.OpenProductAsync(partner: partner);
        var custody = (await kit.ProductAsync(product)).GetProperty("accounts").GetProperty("custody").GetGuid();
        var id = await kit.InvestAsync(product, Amount);

        var failed = await kit.ExecuteAsync(id);

        Assert.Equal("failed", failed.GetProperty("status").GetString());
        var reason = failed.GetProperty("failureReason").GetString();
        Assert.Contains("partner refused", reason);
        Assert.Contains("account_closed", reason);
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("partnerReferenceToken").ValueKind);
        var job = await (await kit.Alice.GetAsync($"/api/v1/jobs/{failed.GetProperty("executeJobId").GetGuid()}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, job.GetProperty("attempts").GetInt32()); // a refusal is final: no retry
        var balance = await kit.Alice.BalanceAsync(kit.AliceWallet);
        Assert.Equal((InvestmentKit.AliceFunds, InvestmentKit.AliceFunds),
            (balance.GetProperty("posted").GetInt64(), balance.GetProperty("available").GetInt64()));
        Assert.Equal(0, await kit.PostedAsync(custody));
        Assert.Equal(1, await kit.TransfersWithReferenceAsync($"investment:{id:N}:debit"));
        Assert.Equal(1, await kit.TransfersWithReferenceAsync($"investment:{id:N}:compensation"));
        var placements = (await fake.GetCallsAsync()).PartnerInvestments;
        Assert.Equal((1, 0), (placements.Attempts, placements.Created));
        Assert.Equal((FakeBehaviour.RejectMode, true), (placements.Calls[0].Mode, placements.Calls[0].SignatureVerified));
        Assert.Empty(await LedgerAudit.CheckAsync(kit.Database));
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task SuspendedPartner_IsNotCalled_TheExecutionFailsWithNothingMoved_AndTakesNoNewProducts(DatabaseProvider provider)
    {
        await using var fake = await FakeProviderServer.StartAsync();
        await using var kit = await InvestmentKit.StartAsync(provider);
        var partner = await kit.CreatePartnerAsync(fake, ApiKey, Secret);
        var product = await kit.OpenProductAsync(partner: partner);
        var id = await kit.InvestAsync(product, Amount);
        var suspended = await (await kit.Admin.PostJsonAsync($"/api/v1/investment/partners/{partner}/status", new { status = "suspended" }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("suspended", suspended.GetProperty("status").GetString());

        var failed = await kit.ExecuteAsync(id);

        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("suspended", failed.GetProperty("failureReason").GetString());
        Assert.Equal(InvestmentKit.AliceFunds, await kit.AlicePostedAsync());
        // Known before the debit: nothing moved, nothing to compensate.
        Assert.Equal(0, await kit.TransfersWithReferenceAsync($"investment:{id:N}"));
        Assert.Equal(0, (await fake.GetCallsAsync()).PartnerInvestments.Attempts);
        Assert.Empty(await LedgerAudit.CheckAsync(kit.Database));

        var refused = await (await kit.Admin.PostJsonAsync("/api/v1/investment/products", InvestmentKit.ProductBody(partner: partner)))
            .ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("partner_not_active", refused.Code());
        // Reactivated, it takes products again: the refusal was the suspension's.
        await (await kit.Admin.PostJsonAsync($"/api/v1/investment/partners/{partner}/status", new { status = "active" })).ExpectAsync(HttpStatusCode.OK);
        await (await kit.Admin.PostJsonAsync("/api/v1/investment/products", InvestmentKit.ProductBody(partner: partner)))
            .ExpectAsync(HttpStatusCode.Created);
    }
}

using System.Net;
using System.Text.Json;
using Coffer.FakeProvider;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Investments.Tests.Partners;

/// <summary>
/// A partner that cannot be reached, or may not be called: the execution waits with the money in custody (its job retries,
/// then is dead and listed in the dead-letter queue), and an operator's replay once the partner is back activates it with
/// the one debit it already made.
/// </summary>
public sealed class PartnerOutageTests
{
    private const string ApiKey = "pk_live_outage_51Hd";
    private const string Secret = "sk_live_outage_hmac_Zp03";
    private const long Amount = 30_000;
    private const double BreakSeconds = 4;
    private const string IntegrationsFlag = "/api/v1/admin/flags/external_investment_integrations_enabled";

    private static readonly Dictionary<string, string?> ShortPartnerCalls = new()
    {
        ["Coffer:Providers:Partners:AttemptTimeoutSeconds"] = "0.5",
        ["Coffer:Providers:Partners:TotalTimeoutSeconds"] = "2",
        ["Coffer:Providers:Partners:MaxRetries"] = "1",
        ["Coffer:Providers:Partners:RetryBaseDelayMilliseconds"] = "10",
        ["Coffer:Providers:Partners:BreakAfterConsecutiveFailures"] = "2",
        ["Coffer:Providers:Partners:BreakSeconds"] = BreakSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Coffer:Jobs:Types:execute-investment:MaxAttempts"] = "3",
        ["Coffer:Jobs:Types:execute-investment:FirstBackoffSeconds"] = "0.2",
    };

    [Theory(Timeout = 120_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task HangingPartner_JobRetriesThenDies_CircuitOpens_MoneyStaysInCustody_ReplayAfterRecoveryActivatesWithOneDebit(
        DatabaseProvider provider)
    {
        await using var fake = await FakeProviderServer.StartAsync();
        await fake.SetBehaviourAsync(new FakeBehaviour(FakeBehaviour.HangMode, Endpoint: FakeEndpoints.PartnerInvestments));
        await using var kit = await InvestmentKit.StartAsync(provider, ShortPartnerCalls);
        var partner = await kit.CreatePartnerAsync(fake, ApiKey, Secret);
        var product = await kit.OpenProductAsync(partner: partner);
        var custody = (await kit.ProductAsync(product)).GetProperty("accounts").GetProperty("custody").GetGuid();
        var id = await kit.InvestAsync(product, Amount);
        var jobId = await QueueExecutionAsync(kit, id);

        // Attempt 1: two timed-out tries (one retry) open the partner's circuit; attempts 2 and 3 are refused by it unsent.
        var dead = await kit.Ops.WaitForJobAsync(jobId, j => j.GetProperty("status").GetString() == "dead", TimeSpan.FromSeconds(60));
        Assert.Equal(3, dead.GetProperty("attempts").GetInt32());
        Assert.Contains("circuit open", dead.GetProperty("lastError").GetString());
        var deadLetters = await (await kit.Ops.GetAsync("/api/v1/admin/jobs?status=dead&type=execute-investment")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(deadLetters.GetProperty("items").EnumerateArray(), j => j.GetProperty("id").GetGuid() == jobId);
        var hung = (await fake.GetCallsAsync()).PartnerInvestments;
        // At most the two tries of attempt 1 reached the partner (one may time out on the way under load); never a third.
        Assert.InRange(hung.Attempts, 1, 2);
        Assert.Equal(0, hung.Created);
        Assert.All(hung.Calls, c => Assert.Equal((FakeBehaviour.HangMode, $"inv_{id:N}", true), (c.Mode, c.IdempotencyKey, c.SignatureVerified)));
        Assert.Equal("executing", (await kit.InvestmentAsync(id)).GetProperty("status").GetString());
        Assert.Equal(InvestmentKit.AliceFunds - Amount, await kit.AlicePostedAsync());
        Assert.Equal(Amount, await kit.PostedAsync(custody));

        // The partner is back; once the circuit's break is over, an operator replays the dead job.
        await fake.SucceedAsync();
        await Task.Delay(TimeSpan.FromSeconds(BreakSeconds + 0.5));
        await (await kit.Ops.PostJsonAsync($"/api/v1/admin/jobs/{jobId}/replay", new { reason = "partner recovered" })).ExpectAsync(HttpStatusCode.OK);
        await kit.Ops.WaitForJobAsync(jobId, j => j.GetProperty("status").GetString() == "succeeded");

        var active = await kit.InvestmentAsync(id);
        Assert.Equal("active", active.GetProperty("status").GetString());
        Assert.StartsWith("tok_", active.GetProperty("partnerReferenceToken").GetString());
        Assert.Equal(1, await kit.TransfersWithReferenceAsync($"investment:{id:N}:debit"));
        Assert.Equal(0, await kit.TransfersWithReferenceAsync($"investment:{id:N}:compensation"));
        Assert.Equal(InvestmentKit.AliceFunds - Amount, await kit.AlicePostedAsync());
        Assert.Equal(Amount, await kit.PostedAsync(custody));
        var placements = (await fake.GetCallsAsync()).PartnerInvestments;
        Assert.Equal((hung.Attempts + 1, 1), (placements.Attempts, placements.Created));
        Assert.Equal((FakeBehaviour.SucceedMode, true), (placements.Calls[^1].Mode, placements.Calls[^1].SignatureVerified));
        Assert.Empty(await LedgerAudit.CheckAsync(kit.Database));
    }

    [Theory(Timeout = 120_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task IntegrationsFlagOff_PartnerIsNotCalled_JobFailsTransiently_OtherProductsUnaffected_FlagOnAndReplayActivates(
        DatabaseProvider provider)
    {
        await using var fake = await FakeProviderServer.StartAsync();
        await using var kit = await InvestmentKit.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Coffer:Jobs:Types:execute-investment:MaxAttempts"] = "2",
            ["Coffer:Jobs:Types:execute-investment:FirstBackoffSeconds"] = "0.2",
        });
        var partner = await kit.CreatePartnerAsync(fake, ApiKey, Secret);
        var partnered = await kit.OpenProductAsync(partner: partner);
        var ownProduct = await kit.OpenProductAsync();
        var platformAdmin = kit.Server.PlatformAdmin();
        await (await platformAdmin.PutJsonAsync(IntegrationsFlag, new { enabled = false, killSwitch = false, rolloutPercentage = 100 }))
            .ExpectAsync(HttpStatusCode.OK);

        var id = await kit.InvestAsync(partnered, Amount);
        var jobId = await QueueExecutionAsync(kit, id);
        var dead = await kit.Ops.WaitForJobAsync(jobId, j => j.GetProperty("status").GetString() == "dead", TimeSpan.FromSeconds(30));

        Assert.Equal(2, dead.GetProperty("attempts").GetInt32()); // retried: transient, not a permanent failure
        Assert.Contains("external_investment_integrations_enabled", dead.GetProperty("lastError").GetString());
        Assert.Equal(0, (await fake.GetCallsAsync()).PartnerInvestments.Attempts);
        Assert.Equal("executing", (await kit.InvestmentAsync(id)).GetProperty("status").GetString());
        // Checked before the debit: the investor's money is not taken to wait in custody while integrations are off.
        Assert.Equal(0, await kit.TransfersWithReferenceAsync($"investment:{id:N}:debit"));
        Assert.Equal(InvestmentKit.AliceFunds, await kit.AlicePostedAsync());

        // A product without a partner calls nobody: the flag does not concern it.
        var own = await kit.ExecuteAsync(await kit.InvestAsync(ownProduct, 1_000));
        Assert.Equal("active", own.GetProperty("status").GetString());

        await (await platformAdmin.PutJsonAsync(IntegrationsFlag, new { enabled = true, killSwitch = false, rolloutPercentage = 100 }))
            .ExpectAsync(HttpStatusCode.OK);
        await (await kit.Ops.PostJsonAsync($"/api/v1/admin/jobs/{jobId}/replay", new { reason = "integrations back on" })).ExpectAsync(HttpStatusCode.OK);
        await kit.Ops.WaitForJobAsync(jobId, j => j.GetProperty("status").GetString() == "succeeded");

        Assert.Equal("active", (await kit.InvestmentAsync(id)).GetProperty("status").GetString());
        var placements = (await fake.GetCallsAsync()).PartnerInvestments;
        Assert.Equal((1, 1), (placements.Attempts, placements.Created));
        Assert.Equal(1, await kit.TransfersWithReferenceAsync($"investment:{id:N}:debit"));
        Assert.Equal(InvestmentKit.AliceFunds - Amount - 1_000, await kit.AlicePostedAsync());
        Assert.Empty(await LedgerAudit.CheckAsync(kit.Database));
    }

    private static async Task<Guid> QueueExecutionAsync(InvestmentKit kit, Guid investment)
    {
        JsonElement accepted = await (await kit.Alice.PostJsonAsync($"/api/v1/investment/investments/{investment}/execute", null))
            .ExpectAsync(HttpStatusCode.Accepted);
        return accepted.GetProperty("jobId").GetGuid();
    }
}

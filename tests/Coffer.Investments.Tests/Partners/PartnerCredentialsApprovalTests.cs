using System.Net;
using Coffer.FakeProvider;
using Coffer.Platform.Approvals;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coffer.Investments.Tests.Partners;

/// <summary>
/// A credentials change under a partner.credentials.change policy (issue 8): 202 pending_approval with only sealed values in
/// the approval's payload; the partner keeps its old credentials until the approval executes, then authenticates with the new.
/// </summary>
public sealed class PartnerCredentialsApprovalTests
{
    private const string OldKey = "pk_old_7HqX", OldSecret = "sk_old_2mZr", NewKey = "pk_new_9TgC", NewSecret = "sk_new_4bWs";

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CredentialsChange_WaitsForApproval_CarriesOnlySealedValues_AndAppliesOnceApproved(DatabaseProvider provider)
    {
        await using var fake = await FakeProviderServer.StartAsync();
        var gate = new RecordingApprovalGate(ask => ask.Operation == ApprovalOperations.PartnerCredentialsChange);
        await using var kit = await InvestmentKit.StartAsync(provider,
            services: services => services.Replace(ServiceDescriptor.Scoped<IApprovalGate>(_ => gate)));
        var partner = await kit.CreatePartnerAsync(fake, OldKey, OldSecret);
        var sealedBefore = await SealedAsync(kit, partner);

        var pending = await (await kit.Admin.PostJsonAsync($"/api/v1/investment/partners/{partner}/credentials",
            new { apiKey = NewKey, secret = NewSecret })).ExpectAsync(HttpStatusCode.Accepted);

        Assert.Equal("pending_approval", pending.GetProperty("status").GetString());
        Assert.Equal(sealedBefore, await SealedAsync(kit, partner));
        var ask = Assert.Single(gate.Asked);
        Assert.Null(ask.Amount);
        var payload = System.Text.Json.JsonSerializer.Serialize(ask.Payload);
        Assert.DoesNotContain(NewKey, payload);
        Assert.DoesNotContain(NewSecret, payload);

        await RecordingApprovalGate.ExecuteApprovedAsync(kit.Server.Services, pending.GetProperty("approvalId").GetGuid(), ask);

        Assert.NotEqual(sealedBefore, await SealedAsync(kit, partner));
        // From now on the partner accepts only the new pair (an old-pair call would be refused and the investment fail).
        await fake.ResetAsync();
        await fake.AddPartnerCredentialsAsync(NewKey, NewSecret);
        var product = await kit.OpenProductAsync(partner: partner);
        var active = await kit.ExecuteAsync(await kit.InvestAsync(product, 1_000));
        Assert.Equal("active", active.GetProperty("status").GetString());
        Assert.Equal(1, (await fake.GetCallsAsync()).PartnerInvestments.Created);
    }

    private static Task<string> SealedAsync(InvestmentKit kit, Guid partner) => DatabaseShell.ScalarAsync<string>(kit.Database,
        kit.Database.Provider == DatabaseProvider.Postgres
            ? $"SELECT api_key_sealed || secret_sealed FROM investment_partners WHERE id = '{partner}'"
            : $"SELECT api_key_sealed || secret_sealed FROM investment_partners WHERE id = '{partner.ToString().ToUpperInvariant()}'");
}

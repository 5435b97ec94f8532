using System.Net;
using System.Text.Json;
using Coffer.Investments.Tests.Api;
using Coffer.Platform.Approvals;
using Coffer.Testing;

namespace Coffer.Investments.Tests.Reserves;

/// <summary>Reserves-engine helpers: a product with invested principal, its accounts' balances, policies and runs.</summary>
internal static class ReserveKit
{
    public sealed record Accounts(Guid Custody, Guid Pool, Guid Reserve);

    /// <summary>An open product with Alice's executed investment of <paramref name="principal"/> in custody.</summary>
    public static async Task<(Guid Product, Accounts Accounts)> InvestedProductAsync(this InvestmentKit kit, long principal)
    {
        var product = await kit.OpenProductAsync();
        await kit.ExecuteAsync(await kit.InvestAsync(product, principal));
        var accounts = (await kit.ProductAsync(product)).GetProperty("accounts");
        return (product, new Accounts(accounts.GetProperty("custody").GetGuid(), accounts.GetProperty("dividendPool").GetGuid(),
            accounts.GetProperty("reserve").GetGuid()));
    }

    public static async Task SetRatioAsync(this InvestmentKit kit, Guid product, decimal ratio) =>
        await (await ProductVersionTests.PutAsync(kit.Admin, $"/api/v1/investment/products/{product}/reserve-policy", new { ratio }, ifMatch: null))
            .ExpectAsync(HttpStatusCode.OK);

    public static Task<HttpResponseMessage> PostRunAsync(this InvestmentKit kit, Guid product, HttpClient? client = null) =>
        (client ?? kit.Ops).PostJsonAsync($"/api/v1/investment/products/{product}/reserves/run", null);

    public static async Task<JsonElement> RunAsync(this InvestmentKit kit, Guid product, HttpStatusCode expected = HttpStatusCode.OK) =>
        await (await kit.PostRunAsync(product)).ExpectAsync(expected);

    public static async Task<(long Custody, long Pool, long Reserve)> BalancesAsync(this InvestmentKit kit, Accounts accounts) =>
        (await kit.PostedAsync(accounts.Custody), await kit.PostedAsync(accounts.Pool), await kit.PostedAsync(accounts.Reserve));
}

/// <summary>An approvals policy that gates every reserve release: each ask becomes a pending approval, remembered for the test.</summary>
internal sealed class AlwaysRequireApproval : IApprovalGate
{
    public static readonly List<ApprovalAsk> Asks = [];

    public Task<ApprovalRequired?> RequireAsync(ApprovalAsk ask, CancellationToken cancellationToken)
    {
        lock (Asks)
        {
            Asks.Add(ask);
        }
        return Task.FromResult<ApprovalRequired?>(new ApprovalRequired(Guid.CreateVersion7(), ApprovalRequired.PendingApproval,
            DateTimeOffset.UtcNow.AddHours(72)));
    }

    /// <summary>Approvals the test has the partners reject.</summary>
    public static readonly HashSet<Guid> Rejected = [];

    public Task<string?> StatusOfAsync(string tenantId, Guid approvalId, CancellationToken cancellationToken)
    {
        lock (Rejected)
        {
            return Task.FromResult<string?>(Rejected.Contains(approvalId) ? "rejected" : "pending");
        }
    }
}

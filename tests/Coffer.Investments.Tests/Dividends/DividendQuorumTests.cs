using System.Net;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Investments.Tests.Dividends;

/// <summary>
/// The whole path with the real approvals module (issue 8): a dividend above the tenant's dividend.distribute threshold waits
/// for its quorum; the requester cannot sign it; the second partner's signature executes it once and the investors are paid.
/// </summary>
public sealed class DividendQuorumTests
{
    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task DividendAboveThreshold_IsPaidOnlyOnceTwoDistinctPartnersSigned(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider);
        var product = await kit.OpenProductAsync();
        await kit.ExecuteAsync(await kit.InvestAsync(product, 10_000));
        foreach (var subject in new[] { "ops", "p1", "p2" })
        {
            await (await kit.Admin.PostJsonAsync("/api/v1/approvals/partners", new { subject, displayName = subject }))
                .ExpectAsync(HttpStatusCode.Created);
        }
        var policy = await kit.Admin.PutJsonAsync("/api/v1/approvals/policies/dividend.distribute",
            new { thresholds = new Dictionary<string, long> { ["USD"] = 5_000 }, requiredSignatures = 2 });
        await policy.ExpectAsync(HttpStatusCode.Created);

        var pending = await (await kit.Ops.PostJsonAsync($"/api/v1/investment/products/{product}/dividends",
            new { totalAmount = 9_000, currency = "USD", reference = "FY-quorum" })).ExpectAsync(HttpStatusCode.Accepted);
        Assert.Equal("pending_approval", pending.GetProperty("status").GetString());
        var approval = pending.GetProperty("approvalId").GetGuid();
        Task<HttpResponseMessage> Sign(string partner) =>
            kit.Server.ClientFor(partner, RoleClients.DefaultTenant, "partner").PostJsonAsync($"/api/v1/approvals/{approval}/signatures", null);

        // The requester ("ops") cannot sign its own request; one signature is not the quorum.
        await (await Sign("ops")).ExpectAsync(HttpStatusCode.Forbidden);
        await (await Sign("p1")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(0L, await DatabaseShell.ScalarAsync<long>(kit.Database, "SELECT COUNT(*) FROM dividend_distributions"));
        await (await Sign("p2")).ExpectAsync(HttpStatusCode.Created);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await kit.TransfersWithReferenceAsync("dividend:") == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the approved dividend was never paid");
            await Task.Delay(50);
        }
        var executed = await (await kit.Admin.GetAsync($"/api/v1/approvals/{approval}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("executed", executed.GetProperty("status").GetString());
        Assert.Equal(1L, await DatabaseShell.ScalarAsync<long>(kit.Database, "SELECT COUNT(*) FROM dividend_distributions"));
        var distribution = executed.GetProperty("result").GetProperty("distributionId").GetGuid();
        var job = executed.GetProperty("result").GetProperty("jobId").GetGuid();
        await kit.Ops.WaitForJobAsync(job, j => j.GetProperty("status").GetString() == "succeeded");
        var progress = await (await kit.Ops.GetAsync($"/api/v1/investment/products/{product}/dividends/{distribution}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(9_000, progress.GetProperty("paid").GetProperty("amount").GetInt64());
        Assert.Equal(InvestmentKit.AliceFunds - 10_000 + 9_000, await kit.AlicePostedAsync());
    }
}

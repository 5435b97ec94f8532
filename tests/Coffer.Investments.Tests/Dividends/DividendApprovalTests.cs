using System.Net;
using Coffer.Platform.Approvals;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coffer.Investments.Tests.Dividends;

/// <summary>
/// A dividend above its approval policy's threshold waits for a quorum (issue 8): the endpoint answers 202 pending_approval
/// and declares nothing; the module's executor declares it, once, when the approval executes. The approvals module is stood
/// in for by a gate that asks for approval above 1,000 minor units and remembers what it was asked.
/// </summary>
public sealed class DividendApprovalTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task DividendAboveTheThreshold_WaitsForApproval_ThenTheApprovedOperationDeclaresItOnce(DatabaseProvider provider)
    {
        var gate = new RecordingApprovalGate(ask => ask.Amount > 1_000);
        await using var kit = await InvestmentKit.StartAsync(provider,
            services: services => services.Replace(ServiceDescriptor.Scoped<IApprovalGate>(_ => gate)));
        var product = await kit.OpenProductAsync();
        await kit.ExecuteAsync(await kit.InvestAsync(product, 10_000));

        // Below the threshold: declared at once, as without approvals.
        await (await kit.Ops.PostJsonAsync($"/api/v1/investment/products/{product}/dividends",
            new { totalAmount = 1_000, currency = "USD", reference = "small" })).ExpectAsync(HttpStatusCode.Accepted);
        var response = await kit.Ops.PostJsonAsync($"/api/v1/investment/products/{product}/dividends",
            new { totalAmount = 5_000, currency = "USD", reference = "large" });
        var pending = await response.ExpectAsync(HttpStatusCode.Accepted);

        Assert.Equal("pending_approval", pending.GetProperty("status").GetString());
        var approvalId = pending.GetProperty("approvalId").GetGuid();
        Assert.Equal($"/api/v1/approvals/{approvalId}", response.Headers.Location?.OriginalString);
        Assert.Equal(0L, await DatabaseShell.ScalarAsync<long>(kit.Database, "SELECT COUNT(*) FROM dividend_distributions WHERE reference = 'large'"));
        var ask = Assert.Single(gate.Asked, a => a.Amount == 5_000);
        Assert.Equal((ApprovalOperations.DividendDistribute, "USD", "ops"), (ask.Operation, ask.Currency, ask.RequestedBy));

        // The quorum is reached: the approvals module runs the executor in its job's transaction — twice here, as a re-run would.
        var first = await RecordingApprovalGate.ExecuteApprovedAsync(kit.Server.Services, approvalId, ask);
        var second = await RecordingApprovalGate.ExecuteApprovedAsync(kit.Server.Services, approvalId, ask);

        Assert.Contains("distributionId", first);
        Assert.Contains("duplicate_reference", second);
        var jobId = await DatabaseShell.ScalarAsync<string>(kit.Database, "SELECT CAST(job_id AS TEXT) FROM dividend_distributions WHERE reference = 'large'");
        await kit.Ops.WaitForJobAsync(Guid.Parse(jobId), j => j.GetProperty("status").GetString() == "succeeded");
        Assert.Equal(2, await kit.TransfersWithReferenceAsync("dividend:"));
        Assert.Equal(InvestmentKit.AliceFunds - 10_000 + 1_000 + 5_000, await kit.AlicePostedAsync());
    }
}

using System.Net;
using Coffer.Platform.Approvals;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Approvals.Tests.Observability;

/// <summary>Tests that read <c>/metrics</c> run alone: OpenTelemetry's meters are process-wide (see the ledger's MetricsCollection).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ApprovalMetricsCollection
{
    public const string Name = "approval-metrics";
}

[Collection(ApprovalMetricsCollection.Name)]
public sealed class ApprovalMetricsTests
{
    [Fact(Timeout = 60_000)]
    public async Task EveryLifecycleEvent_RateLimiting_AndVerification_AreCounted()
    {
        await using var kit = await ApprovalKit.StartAsync(DatabaseProvider.Postgres);
        await kit.RegisterPartnerAsync("p1");
        await kit.RegisterPartnerAsync("p2");
        await kit.CreatePolicyAsync(requiredSignatures: 2);
        var before = await kit.Server.ScrapeAsync();
        double Delta(string after, string name, params (string, string)[] labels) =>
            (MetricsScrape.Value(after, name, labels) ?? 0) - (MetricsScrape.Value(before, name, labels) ?? 0);

        var executed = await kit.PendingApprovalAsync(amount: 200_000);
        var rejected = await kit.PendingApprovalAsync(amount: 300_000);
        var expired = await kit.PendingApprovalAsync(amount: 400_000);
        await (await kit.SignAsync("p1", executed)).ExpectAsync(HttpStatusCode.Created);
        await (await kit.SignAsync("p2", executed)).ExpectAsync(HttpStatusCode.Created);
        await (await kit.SignAsync("p1", executed)).ExpectAsync(HttpStatusCode.Conflict); // refused: not an event
        await kit.WaitForAsync(executed, a => a.GetProperty("status").GetString() == "executed", "executed");
        await (await kit.Partner("p2").PostJsonAsync($"/api/v1/approvals/{rejected}/rejections", null)).ExpectAsync(HttpStatusCode.OK);
        var expiresAt = (await kit.ApprovalAsync(expired)).GetProperty("expiresAt").GetDateTimeOffset();
        Assert.Equal((1, 0), await kit.SweepAsync(expiresAt));
        var payload = new { productId = "same", amount = 900_000 };
        await kit.AskAsync(900_000, payload);
        await kit.AskAsync(900_000, payload);
        await kit.AskAsync(900_000, payload);
        await Assert.ThrowsAsync<ApprovalRateLimitedException>(() => kit.AskAsync(900_000, payload));

        var after = await kit.Server.ScrapeAsync();
        foreach (var (lifecycleEvent, expected) in new[]
            { ("created", 6), ("signed", 2), ("approved", 1), ("executed", 1), ("rejected", 1), ("expired", 1), ("held", 0) })
        {
            Assert.Equal(expected, Delta(after, "coffer_approvals_total", ("event", lifecycleEvent)));
        }
        Assert.Equal(1, Delta(after, "coffer_approvals_rate_limited_total", ("operation", "dividend.distribute")));
        Assert.Equal(2, Delta(after, "coffer_approval_verify_seconds_count"));
    }
}

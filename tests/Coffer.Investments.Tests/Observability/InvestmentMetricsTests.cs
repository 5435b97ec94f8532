using System.Net;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Investments.Tests.Observability;

/// <summary>Tests that read <c>/metrics</c> run alone: OpenTelemetry's meters are process-wide (see the ledger's MetricsCollection).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InvestmentMetricsCollection
{
    public const string Name = "investment-metrics";
}

[Collection(InvestmentMetricsCollection.Name)]
public sealed class InvestmentMetricsTests
{
    [Fact(Timeout = 60_000)]
    public async Task Lifecycle_AndDividends_AreCounted_OnceCommitted()
    {
        await using var kit = await InvestmentKit.StartAsync(DatabaseProvider.Postgres);
        var product = await kit.OpenProductAsync(max: 5_000_000);
        var before = await kit.Server.ScrapeAsync();
        double Count(string exposition, string name, params (string, string)[] labels) => MetricsScrape.Value(exposition, name, labels) ?? 0;

        var paid = await kit.InvestAsync(product, 10_000);
        await kit.ExecuteAsync(paid);
        var unpaid = await kit.InvestAsync(product, InvestmentKit.AliceFunds);
        await kit.ExecuteAsync(unpaid); // fails: the first one took 10,000 of the funds
        var queued = await (await kit.Ops.PostJsonAsync($"/api/v1/investment/products/{product}/dividends",
            new { totalAmount = 777, currency = "USD", reference = "metrics" })).ExpectAsync(HttpStatusCode.Accepted);
        await kit.Ops.WaitForJobAsync(queued.GetProperty("jobId").GetGuid(), j => j.GetProperty("status").GetString() == "succeeded");
        // A refused step (409) is not an event.
        await (await kit.Alice.PostJsonAsync($"/api/v1/investment/investments/{paid}/execute", null)).ExpectAsync(HttpStatusCode.Conflict);

        var after = await kit.Server.ScrapeAsync();
        foreach (var (lifecycleEvent, expected) in new[] { ("created", 2), ("execution_queued", 2), ("activated", 1), ("failed", 1) })
        {
            Assert.Equal(expected, Count(after, "coffer_investments_total", ("event", lifecycleEvent))
                - Count(before, "coffer_investments_total", ("event", lifecycleEvent)));
        }
        Assert.Equal(1, Count(after, "coffer_dividend_payouts_total", ("outcome", "paid")) - Count(before, "coffer_dividend_payouts_total", ("outcome", "paid")));
        Assert.Equal(777, Count(after, "coffer_dividend_paid_amount_total", ("currency", "USD"))
            - Count(before, "coffer_dividend_paid_amount_total", ("currency", "USD")));
    }
}

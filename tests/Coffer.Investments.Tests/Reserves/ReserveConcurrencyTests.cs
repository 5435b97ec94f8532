using System.Net;
using Coffer.Investments.Reserves;
using Coffer.Investments.Tests.Observability;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Investments.Tests.Reserves;

/// <summary>Runs of one product never interleave (conflicts answered 409 and counted), and a run past its timeout is counted. Reads /metrics: runs alone.</summary>
[Collection(InvestmentMetricsCollection.Name)]
public sealed class ReserveConcurrencyTests
{
    private static double Count(string exposition, string name, params (string, string)[] labels) =>
        MetricsScrape.Value(exposition, name, labels) ?? 0;

    /// <summary>
    /// <c>coffer_fund_lock_conflicts_total</c> of the run endpoint, read by hand: the route's <c>{id:guid}</c> has braces inside the
    /// label value, which <see cref="MetricsScrape.Value"/>'s line pattern does not take.
    /// </summary>
    private static double RunConflicts(string exposition) => exposition.Split('\n')
        .Where(l => l.StartsWith("coffer_fund_lock_conflicts_total{", StringComparison.Ordinal)
            && l.Contains("operation=\"POST /api/v1/investment/products/{id:guid}/reserves/run\"", StringComparison.Ordinal))
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    [Theory(Timeout = 120_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ConcurrentRuns_OnOneProduct_TopUpOnce_AndConflictsAreAnswered409AndCounted(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider);
        var (product, accounts) = await kit.InvestedProductAsync(50_000);
        await kit.SetRatioAsync(product, 0.2m);
        var before = await kit.Server.ScrapeAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => kit.PostRunAsync(product)));
        var runs = new List<System.Text.Json.JsonElement>();
        var conflicts = 0;
        foreach (var answer in answers)
        {
            if (answer.StatusCode == HttpStatusCode.Conflict)
            {
                Assert.Equal("run_in_progress", (await answer.ExpectAsync(HttpStatusCode.Conflict)).Code());
                conflicts++;
            }
            else
            {
                runs.Add(await answer.ExpectAsync(HttpStatusCode.OK));
            }
        }
        Assert.NotEmpty(runs);
        // Every run saw a consistent state: the one top-up saw nothing held, every later run saw it done.
        Assert.Single(runs, r => r.GetProperty("action").GetString() == "topup");
        Assert.All(runs, r => Assert.Equal(10_000, r.GetProperty("required").GetInt64()));
        Assert.All(runs.Where(r => r.GetProperty("action").GetString() == "none"), r => Assert.Equal(10_000, r.GetProperty("held").GetInt64()));
        Assert.Equal((50_000, -10_000, 10_000), await kit.BalancesAsync(accounts));
        Assert.Equal(1, await LedgerAudit.CountTransfersAsync(kit.Database, ReserveEngine.TopUpCode));
        Assert.Empty(await LedgerAudit.CheckAsync(kit.Database));

        // /metrics answers from a short-lived cache: scrape until this run's samples show.
        var after = await kit.Server.ScrapeUntilAsync(s => Count(s, "coffer_reserves_engine_run_seconds_count", ("outcome", "topup"))
            > Count(before, "coffer_reserves_engine_run_seconds_count", ("outcome", "topup")), TimeSpan.FromSeconds(20), "the runs' samples");
        Assert.Equal(conflicts, RunConflicts(after) - RunConflicts(before));
        Assert.Equal(conflicts, Count(after, "coffer_reserves_engine_run_seconds_count", ("trigger", "api"), ("outcome", "conflict"))
            - Count(before, "coffer_reserves_engine_run_seconds_count", ("trigger", "api"), ("outcome", "conflict")));
        Assert.Equal(1, Count(after, "coffer_reserves_engine_run_seconds_count", ("trigger", "api"), ("outcome", "topup"))
            - Count(before, "coffer_reserves_engine_run_seconds_count", ("trigger", "api"), ("outcome", "topup")));
        if (provider == DatabaseProvider.Sqlite)
        {
            Assert.Equal(0, conflicts); // the single writer serializes whole runs: they queue, none conflicts
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Run_PastItsTimeout_IsRolledBack_AndCounted()
    {
        await using var kit = await InvestmentKit.StartAsync(DatabaseProvider.Postgres,
            new Dictionary<string, string?> { ["Coffer:Investments:Reserves:RunTimeoutMilliseconds"] = "300" },
            services: s => s.AddSingleton(new ReserveRunProbe(ct => Task.Delay(TimeSpan.FromSeconds(5), ct))));
        var (product, accounts) = await kit.InvestedProductAsync(10_000);
        await kit.SetRatioAsync(product, 0.5m);
        var before = await kit.Server.ScrapeAsync();

        var timedOut = await (await kit.PostRunAsync(product)).ExpectAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("reserve_run_timeout", timedOut.Code());
        Assert.Equal((10_000, 0, 0), await kit.BalancesAsync(accounts));
        Assert.Equal(0L, await DatabaseShell.ScalarAsync<long>(kit.Database, "SELECT COUNT(*) FROM reserve_runs"));
        var after = await kit.Server.ScrapeUntilAsync(s => Count(s, "coffer_reserves_engine_timeouts_total")
            > Count(before, "coffer_reserves_engine_timeouts_total"), TimeSpan.FromSeconds(20), "the timeout");
        Assert.Equal(1, Count(after, "coffer_reserves_engine_timeouts_total", ("trigger", "api"))
            - Count(before, "coffer_reserves_engine_timeouts_total", ("trigger", "api")));
    }
}

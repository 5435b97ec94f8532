using System.Globalization;
using Coffer.Bench.Load;
using Coffer.Bench.Measurement;
using Coffer.Bench.Reporting;

namespace Coffer.Bench.Checkout;

/// <summary>When phase 1 measured and ended (this machine's clock), and how many orders it created in all.</summary>
internal sealed record CheckoutPhases(DateTimeOffset MeasureStartUtc, DateTimeOffset MeasureEndUtc, DateTimeOffset LoadEndUtc, long OrdersCreated);

/// <summary>The checkout scenario's own figures in the run's JSON (<see cref="RunReport.Checkout"/>).</summary>
internal sealed record CheckoutFigures(
    double OrdersPerSecond, long OrdersCreatedInWindow, long OrdersCreated, long PaidInWindow, long PaidAfterLoad, double? DrainSeconds,
    double? PaidPerSecondAfterLoad, LatencySummary CreatedToPaid, long CreatedToPaidSamples,
    int HotRequests, int HotCreated, SortedDictionary<string, long> HotOutcomes, LatencySummary HotLatency, double HotSeconds,
    double? HotAllPaidSeconds);

internal static class CheckoutReport
{
    public static RunReport Build(LoadOptions options, DateTimeOffset startedAt, LoadResult load, CheckoutPhases phases, BurstResult burst,
        IReadOnlyList<OrderDto> orders, CheckoutVerification verification, string runId)
    {
        var kind = load.Kinds.Single();
        var requests = kind.Latency.Count;
        var errors = kind.Outcomes.Where(o => !o.Key.StartsWith('2')).Sum(o => o.Value);
        var created = kind.Outcomes.GetValueOrDefault("201");
        var hotIds = burst.Created.Select(p => p.OrderId).ToHashSet();
        var loadOrders = orders.Where(o => !hotIds.Contains(o.Id)).ToList();
        var createdToPaid = new LatencyHistogram();
        foreach (var o in loadOrders.Where(o => o.PaidAt is not null && o.CreatedAt >= phases.MeasureStartUtc && o.CreatedAt < phases.MeasureEndUtc))
        {
            createdToPaid.Record((long)Math.Max(0, (o.PaidAt!.Value - o.CreatedAt).TotalMicroseconds));
        }
        var paidInWindow = loadOrders.Count(o => o.PaidAt >= phases.MeasureStartUtc && o.PaidAt < phases.MeasureEndUtc);
        var paidAfter = loadOrders.Where(o => o.PaidAt >= phases.LoadEndUtc).ToList();
        double? drain = paidAfter.Count > 0 ? Math.Round((paidAfter.Max(o => o.PaidAt!.Value) - phases.LoadEndUtc).TotalSeconds, 2) : null;
        var hotPaid = orders.Where(o => hotIds.Contains(o.Id) && o.PaidAt is not null).ToList();
        double? hotAllPaid = hotPaid.Count > 0 ? Math.Round((hotPaid.Max(o => o.PaidAt!.Value) - burst.StartedAtUtc).TotalSeconds, 2) : null;
        var figures = new CheckoutFigures(Math.Round(created / load.MeasuredSeconds, 1), created, phases.OrdersCreated, paidInWindow, paidAfter.Count, drain,
            drain is > 0 ? Math.Round(paidAfter.Count / drain.Value, 1) : null, LatencySummary.From(createdToPaid), createdToPaid.Count,
            burst.Requests, burst.Created.Count, burst.Outcomes, LatencySummary.From(burst.Latency), Math.Round(burst.Seconds, 3), hotAllPaid);
        return new RunReport
        {
            Kind = "coffer",
            Label = options.Label,
            Scenario = Scenarios.NameOf(Scenario.Checkout),
            StartedAtUtc = startedAt,
            Connections = options.Connections,
            DurationSeconds = options.DurationSeconds,
            Accounts = options.Accounts,
            Requests = requests,
            MeasuredSeconds = Math.Round(load.MeasuredSeconds, 3),
            ThroughputPerSecond = figures.OrdersPerSecond,
            Unit = "orders",
            RequestsPerSecond = Math.Round(requests / load.MeasuredSeconds, 1),
            Latency = LatencySummary.From(kind.Latency),
            Errors = errors,
            ErrorRate = requests == 0 ? 0 : Math.Round((double)errors / requests, 6),
            Outcomes = kind.Outcomes,
            Resources = ResourceSummary.From(load.Cpu, load.ServerPeakRssMiB, load.ServerRssMiB),
            RatePerSecond = load.RatePerSecond,
            Verification = verification,
            VerificationPassed = verification.Passed,
            MachineLoad = File.Exists("/proc/loadavg") ? "loadavg " + File.ReadAllText("/proc/loadavg").Trim() : null,
            Checkout = figures,
            Details = new Dictionary<string, string>
            {
                ["runId"] = runId,
                ["url"] = options.Url.ToString(),
                ["warmupSeconds"] = options.WarmupSeconds.ToString(CultureInfo.InvariantCulture),
                ["warmupRequests"] = load.WarmupRequests.ToString(CultureInfo.InvariantCulture),
                ["depositMinor"] = options.DepositMinor.ToString(CultureInfo.InvariantCulture),
                ["variants"] = options.Variants.ToString(CultureInfo.InvariantCulture),
                ["hotStock"] = options.HotStock.ToString(CultureInfo.InvariantCulture),
            },
        };
    }

    /// <summary>The checkout lines of a report's text (its own <c>ToText</c> and compare's table).</summary>
    public static IEnumerable<string> Lines(CheckoutFigures f)
    {
        var inv = CultureInfo.InvariantCulture;
        yield return string.Create(inv,
            $"captures     {f.PaidInWindow} orders paid in the window; {f.PaidAfterLoad} paid after the load, the last {f.DrainSeconds?.ToString("0.0", inv) ?? "-"} s after it ({f.PaidPerSecondAfterLoad?.ToString("0.0", inv) ?? "-"} orders paid/s with no requests competing); {f.OrdersCreated} orders created in all (incl. warm-up)");
        yield return $"  201 -> paid ({f.CreatedToPaidSamples} created in the window): {f.CreatedToPaid}";
        yield return string.Create(inv,
            $"contention   {f.HotRequests} concurrent checkouts of the hot variant in {f.HotSeconds:0.00} s: {string.Join(", ", f.HotOutcomes.Select(o => $"{o.Key} x{o.Value}"))}; all {f.HotCreated} paid {f.HotAllPaidSeconds?.ToString("0.00", inv) ?? "-"} s after the burst began");
        yield return $"  burst latency: {f.HotLatency}";
    }

    public static string Describe(CheckoutVerification v)
    {
        var inv = CultureInfo.InvariantCulture;
        var statuses = string.Join(", ", v.OrdersByStatus.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value}"));
        var lines = new List<string>
        {
            string.Create(inv, $"verify       orders: {v.OrdersAcknowledged} by 201s (+{v.OrdersUnknown} unknown), {v.OrdersPersisted} persisted ({statuses}); totals {v.AcknowledgedTotalMinor} acknowledged, {v.PersistedTotalMinor} persisted"),
            string.Create(inv, $"             merchant_revenue posted {v.MerchantRevenuePostedMinor}, pending {v.MerchantRevenuePendingMinor}; {v.WalletsChecked} wallets, {v.WalletsMismatched} not down by exactly their orders' totals"),
            string.Create(inv, $"             tenant debits - credits: posted {v.TenantPostedDebitsMinusCredits}, pending {v.TenantPendingDebitsMinusCredits}; hot variant {v.HotCreated} sold, {v.HotOnHand} on hand, {v.HotReserved} reserved; shelf variants off {v.VariantsMismatched}"),
            v.Passed ? "             PASSED" : "             FAILED: " + string.Join("; ", v.Problems),
        };
        return string.Join(Environment.NewLine, lines);
    }
}

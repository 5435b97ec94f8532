using System.Globalization;
using Coffer.Bench.Load;
using Coffer.Bench.Reporting;

namespace Coffer.Bench.Investments;

/// <summary>The invest scenario's own figures in the run's JSON (<see cref="RunReport.Investments"/>).</summary>
internal sealed record InvestmentFigures(
    double ExecutedPerSecond, long ExecutionsAccepted, long ExecutionsSucceeded, long Active, long Failed, long Dead, long Unfinished,
    long SucceededInWindow, long SucceededAfterWindow, double? DrainedSecondsAfterWindow, double? DrainPerSecond, LatencySummary EndToEnd, long EndToEndSamples,
    int DividendPayouts, long DividendTotalMinor, long DividendPaidMinor, string DividendStatus, double DividendSeconds,
    double DividendObservedSeconds, double PayoutsPerSecond);

internal static class InvestReport
{
    public static RunReport Build(LoadOptions options, DateTimeOffset startedAt, LoadResult load, ExecutionOutcomes executions,
        DividendResult dividend, InvestVerification verification, string runId, DateTimeOffset measureEnd)
    {
        var all = load.AllLatency();
        var outcomes = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long errors = 0;
        var operations = new List<OperationSummary>();
        foreach (var kind in load.Kinds)
        {
            var kindErrors = kind.Outcomes.Where(o => !o.Key.StartsWith('2')).Sum(o => o.Value);
            errors += kindErrors;
            operations.Add(OperationSummary.From(kind.Kind, kind.Latency, kindErrors, load.MeasuredSeconds));
            foreach (var (outcome, count) in kind.Outcomes)
            {
                outcomes[$"{kind.Kind} {outcome}"] = count;
            }
        }
        var executedPerSecond = Math.Round(executions.SucceededInWindow / load.MeasuredSeconds, 1);
        double? drained = executions.LastFinishedAtUtc is { } last ? Math.Round(Math.Max(0, (last - measureEnd).TotalSeconds), 2) : null;
        var figures = new InvestmentFigures(executedPerSecond, executions.Accepted, executions.Succeeded, executions.Active, executions.Failed,
            executions.Dead, executions.Unfinished, executions.SucceededInWindow, executions.SucceededAfterWindow, drained,
            drained is > 0 ? Math.Round(executions.SucceededAfterWindow / drained.Value, 1) : null,
            LatencySummary.From(executions.EndToEnd), executions.EndToEnd.Count,
            dividend.Final.Paid.Count, dividend.TotalAmount, dividend.Final.Paid.Amount, dividend.Final.Status, dividend.ServerSeconds,
            dividend.ObservedSeconds, dividend.PayoutsPerSecond);
        return new RunReport
        {
            Kind = "coffer",
            Label = options.Label,
            Scenario = Scenarios.NameOf(Scenario.Invest),
            StartedAtUtc = startedAt,
            Connections = options.Connections,
            DurationSeconds = options.DurationSeconds,
            Accounts = options.Accounts,
            Requests = all.Count,
            MeasuredSeconds = Math.Round(load.MeasuredSeconds, 3),
            ThroughputPerSecond = executedPerSecond,
            Unit = "executions",
            RequestsPerSecond = Math.Round(all.Count / load.MeasuredSeconds, 1),
            Operations = operations,
            Latency = LatencySummary.From(all),
            Errors = errors,
            ErrorRate = all.Count == 0 ? 0 : Math.Round((double)errors / all.Count, 6),
            Outcomes = outcomes,
            Resources = ResourceSummary.From(load.Cpu, load.ServerPeakRssMiB, load.ServerRssMiB),
            RatePerSecond = load.RatePerSecond,
            Verification = verification,
            VerificationPassed = verification.Passed,
            MachineLoad = File.Exists("/proc/loadavg") ? "loadavg " + File.ReadAllText("/proc/loadavg").Trim() : null,
            Investments = figures,
            Details = new Dictionary<string, string>
            {
                ["runId"] = runId,
                ["url"] = options.Url.ToString(),
                ["warmupSeconds"] = options.WarmupSeconds.ToString(CultureInfo.InvariantCulture),
                ["warmupRequests"] = load.WarmupRequests.ToString(CultureInfo.InvariantCulture),
                ["depositMinor"] = options.DepositMinor.ToString(CultureInfo.InvariantCulture),
            },
        };
    }

    /// <summary>The invest lines of a report's text (its own <c>ToText</c> and compare's table).</summary>
    public static IEnumerable<string> Lines(InvestmentFigures f)
    {
        var inv = CultureInfo.InvariantCulture;
        yield return string.Create(inv,
            $"executions   {f.ExecutedPerSecond:0.0} investments/s executed in the window ({f.SucceededInWindow}); {f.ExecutionsAccepted} accepted (incl. warm-up): {f.Active} active, {f.Failed} failed, {f.Dead} dead, {f.Unfinished} unfinished");
        yield return string.Create(inv,
            $"  backlog: {f.SucceededAfterWindow} executed after the window, the last {f.DrainedSecondsAfterWindow?.ToString("0.0", inv) ?? "-"} s after it ({f.DrainPerSecond?.ToString("0.0", inv) ?? "-"}/s with no requests competing)");
        yield return $"  202 -> job succeeded ({f.EndToEndSamples} accepted in the window): {f.EndToEnd}";
        yield return string.Create(inv,
            $"dividend     {f.DividendPayouts} payouts, {f.DividendPaidMinor} of {f.DividendTotalMinor} paid, {f.DividendStatus} {f.DividendSeconds:0.00} s after the 202 (seen at {f.DividendObservedSeconds:0.00} s): {f.PayoutsPerSecond:0.0} payouts/s");
    }

    public static string Describe(InvestVerification v)
    {
        var inv = CultureInfo.InvariantCulture;
        var statuses = string.Join(", ", v.InvestmentsByStatus.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value}"));
        var lines = new List<string>
        {
            string.Create(inv, $"verify       wallets {v.WalletsFound}: deposited {v.DepositedMinor}, hold {v.WalletPostedSumMinor} (= deposited - {v.ActivePrincipalMinor} active principal + {v.DividendPaidMinor} dividend)"),
            string.Create(inv, $"             custody {v.CustodyPostedMinor} (active principal {v.ActivePrincipalMinor}), dividend pool {v.DividendPoolPostedMinor}; tenant debits - credits {v.TenantPostedDebitsMinusCredits}; negative wallets {v.NegativeWallets}"),
            string.Create(inv, $"             investments: {statuses}; placed by 201s {v.PlacedAcknowledged} (+{v.PlacedUnknown} unknown); debit transfers {v.DebitTransfers}, compensations {v.CompensationTransfers}"),
            string.Create(inv, $"             dividend: {v.DividendPayouts} payouts, payout rows {v.PayoutRows?.ToString(inv) ?? "-"} for {v.PayoutInvestmentsDistinct?.ToString(inv) ?? "-"} investments, ledger transfers {v.DividendTransfers?.ToString(inv) ?? "-"} ({v.DividendTransferReferencesDistinct?.ToString(inv) ?? "-"} references) summing to {v.DividendTransferSumMinor?.ToString(inv) ?? "-"}"),
            v.Passed ? "             PASSED" : "             FAILED: " + string.Join("; ", v.Problems),
        };
        return string.Join(Environment.NewLine, lines);
    }
}

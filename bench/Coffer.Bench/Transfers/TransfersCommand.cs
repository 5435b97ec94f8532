using System.Globalization;
using Coffer.Bench.Reporting;

namespace Coffer.Bench.Transfers;

/// <summary>The <c>transfers</c> verb: seed, load, verify, report. Exit 0 only when every invariant held.</summary>
internal static class TransfersCommand
{
    public static async Task<int> RunAsync(TransfersOptions options)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var runId = $"bench-{DateTime.UtcNow:yyyyMMddHHmmss}-{Random.Shared.Next(0x10000):x4}";
        var ownerId = runId;
        var startedAt = DateTimeOffset.UtcNow;
        using var api = new CofferApi(options.Url, options.Token, options.Connections, TimeSpan.FromSeconds(options.TimeoutSeconds));

        Console.Error.WriteLine($"run {runId}: seeding {options.Accounts} wallets at {options.Url}");
        var wallets = await Seeder.SeedAsync(api, options, ownerId, cancel.Token);
        if (options.AccountsOutPath is { } accountsOut)
        {
            await File.WriteAllLinesAsync(accountsOut, wallets.Select(w => w.ToString()), cancel.Token);
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: {options.Connections} connections, {options.WarmupSeconds} s warm-up + {options.DurationSeconds} s measured, {(options.Hot ? "hot account" : "uniform pairs")}"));
        var load = await new LoadRunner(api, options, wallets, runId).RunAsync(cancel.Token);

        Console.Error.WriteLine("verifying balances and transfer counts");
        var verification = await Verifier.VerifyAsync(api, options, ownerId, load.CreatedAll, load.UnknownOutcomesAll, CancellationToken.None);
        var report = BuildReport(options, startedAt, load, verification, runId);
        report.Save(options.JsonPath);
        Console.WriteLine(report.ToText() + Describe(verification));
        return verification.Passed ? 0 : 1;
    }

    private static RunReport BuildReport(TransfersOptions options, DateTimeOffset startedAt, LoadResult load, Verification verification, string runId)
    {
        var requests = load.Latency.Count;
        var errors = load.Outcomes.Where(o => o.Key != "201").Sum(o => o.Value);
        return new RunReport
        {
            Kind = "coffer",
            Label = options.Label,
            Scenario = options.Hot ? "transfers-hot" : "transfers",
            StartedAtUtc = startedAt,
            Connections = options.Connections,
            DurationSeconds = options.DurationSeconds,
            Accounts = options.Accounts,
            Requests = requests,
            MeasuredSeconds = Math.Round(load.MeasuredSeconds, 3),
            ThroughputPerSecond = Math.Round(load.Outcomes.GetValueOrDefault("201") / load.MeasuredSeconds, 1),
            Latency = LatencySummary.From(load.Latency),
            Errors = errors,
            ErrorRate = requests == 0 ? 0 : Math.Round((double)errors / requests, 6),
            Outcomes = load.Outcomes,
            Resources = ResourceSummary.From(load.Cpu, load.ServerPeakRssMiB, load.ServerRssMiB),
            RatePerSecond = load.RatePerSecond,
            Verification = verification,
            VerificationPassed = verification.Passed,
            MachineLoad = File.Exists("/proc/loadavg") ? "loadavg " + File.ReadAllText("/proc/loadavg").Trim() : null,
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

    private static string Describe(Verification v)
    {
        var statements = v.TransfersByStatements is { } s ? s.ToString(CultureInfo.InvariantCulture) : "skipped";
        var database = v.TransfersByDatabase is { } d ? d.ToString(CultureInfo.InvariantCulture) : "not asked (--db)";
        var lines = new List<string>
        {
            $"verify       wallets {v.WalletsFound}, deposited {v.DepositedMinor}, held {v.WalletPostedSumMinor}: {(v.MoneyConserved ? "conserved" : "NOT CONSERVED")}",
            $"             tenant debits - credits: posted {v.TenantPostedDebitsMinusCredits}, pending {v.TenantPendingDebitsMinusCredits}; negative wallets {v.NegativeWallets}",
            $"             201s (incl. warm-up) {v.Created201}, unknown outcomes {v.UnknownOutcomes}; persisted by balances {v.TransfersByBalances}, by statements {statements}, in database {database}",
            v.Passed ? "             PASSED" : "             FAILED: " + string.Join("; ", v.Problems),
        };
        return string.Join(Environment.NewLine, lines);
    }
}

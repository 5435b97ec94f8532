using System.Globalization;
using Coffer.Bench.Checkout;
using Coffer.Bench.Investments;
using Coffer.Bench.Reporting;
using Coffer.Bench.Transfers;
using Coffer.Bench.Workloads;

namespace Coffer.Bench.Load;

/// <summary>The <c>load</c> verb: seed, load one scenario, verify the money, report. Exit 0 only when every invariant held.</summary>
internal static class LoadCommand
{
    public static async Task<int> RunAsync(LoadOptions options)
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
        if (options.Scenario == Scenario.Invest)
        {
            return await InvestCommand.RunAsync(options, api, runId, startedAt, cancel.Token);
        }
        if (options.Scenario == Scenario.Checkout)
        {
            return await CheckoutCommand.RunAsync(options, api, runId, startedAt, cancel.Token);
        }

        Console.Error.WriteLine($"run {runId}: seeding {options.Accounts} wallets at {options.Url}");
        var seeded = await Seeder.SeedAsync(api, options, ownerId, cancel.Token);
        if (options.AccountsOutPath is { } accountsOut)
        {
            await File.WriteAllLinesAsync(accountsOut, seeded.Wallets.Select(w => w.ToString()), cancel.Token);
        }

        var workload = WorkloadFor(options, api, seeded, runId);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: {Scenarios.NameOf(options.Scenario)} ({Describe(options)}), {options.Connections} connections, {options.WarmupSeconds} s warm-up + {options.DurationSeconds} s measured"));
        var load = await new ClosedLoopRunner(workload, options, runId).RunAsync(cancel.Token);

        Console.Error.WriteLine("verifying balances and transfer counts");
        var verification = await Verifier.VerifyAsync(api, options, ownerId, load.TransfersCreatedAll, load.TransfersUnknownAll, CancellationToken.None);
        var report = BuildReport(options, startedAt, load, verification, runId);
        report.Save(options.JsonPath);
        Console.WriteLine(report.ToText() + VerificationText.Describe(verification));
        return verification.Passed ? 0 : 1;
    }

    private static IWorkload WorkloadFor(LoadOptions options, CofferApi api, SeededWallets seeded, string runId) => options.Scenario switch
    {
        Scenario.Transfers or Scenario.Hot => new TransferWorkload(api, seeded.Wallets, options.Currency, runId, hot: options.Scenario == Scenario.Hot),
        Scenario.Batch => new BatchWorkload(api, seeded.Wallets, options.Currency, runId, options.BatchSize, options.Connections),
        Scenario.Mixed => new MixedWorkload(api, seeded.Wallets, new TransferIdPool(seeded.Deposits), options.Currency, runId, options.Mix),
        _ => throw new ArgumentOutOfRangeException(nameof(options)),
    };

    private static string Describe(LoadOptions options) => options.Scenario switch
    {
        Scenario.Transfers => "uniform pairs",
        Scenario.Hot => "one hot wallet",
        Scenario.Batch => $"{options.BatchSize} transfers per batch, each worker among its own {options.Accounts / options.Connections} wallets",
        _ => options.Mix.ToString(),
    };

    private static RunReport BuildReport(LoadOptions options, DateTimeOffset startedAt, LoadResult load, Verification verification, string runId)
    {
        var all = load.AllLatency();
        var requests = all.Count;
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
                outcomes[load.Kinds.Count == 1 ? outcome : $"{kind.Kind} {outcome}"] = count;
            }
        }
        var mixed = options.Scenario == Scenario.Mixed;
        var details = new Dictionary<string, string>
        {
            ["runId"] = runId,
            ["url"] = options.Url.ToString(),
            ["warmupSeconds"] = options.WarmupSeconds.ToString(CultureInfo.InvariantCulture),
            ["warmupRequests"] = load.WarmupRequests.ToString(CultureInfo.InvariantCulture),
            ["depositMinor"] = options.DepositMinor.ToString(CultureInfo.InvariantCulture),
        };
        if (mixed)
        {
            details["mix"] = options.Mix.ToString();
        }
        var transfersPerSecond = load.Kinds.Sum(k => k.TransfersCreated) / load.MeasuredSeconds;
        return new RunReport
        {
            Kind = "coffer",
            Label = options.Label,
            Scenario = Scenarios.NameOf(options.Scenario),
            StartedAtUtc = startedAt,
            Connections = options.Connections,
            DurationSeconds = options.DurationSeconds,
            Accounts = options.Accounts,
            Requests = requests,
            MeasuredSeconds = Math.Round(load.MeasuredSeconds, 3),
            ThroughputPerSecond = Math.Round(mixed ? requests / load.MeasuredSeconds : transfersPerSecond, 1),
            Unit = mixed ? "operations" : "transfers",
            RequestsPerSecond = Math.Round(requests / load.MeasuredSeconds, 1),
            BatchSize = options.Scenario == Scenario.Batch ? options.BatchSize : null,
            Operations = mixed ? operations : null,
            Latency = LatencySummary.From(all),
            Errors = errors,
            ErrorRate = requests == 0 ? 0 : Math.Round((double)errors / requests, 6),
            Outcomes = outcomes,
            Resources = ResourceSummary.From(load.Cpu, load.ServerPeakRssMiB, load.ServerRssMiB),
            RatePerSecond = load.RatePerSecond,
            Verification = verification,
            VerificationPassed = verification.Passed,
            MachineLoad = File.Exists("/proc/loadavg") ? "loadavg " + File.ReadAllText("/proc/loadavg").Trim() : null,
            Details = details,
        };
    }
}

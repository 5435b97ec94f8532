using System.Diagnostics;
using Coffer.Chaos.Bugs;
using Coffer.Chaos.Cluster;
using Coffer.Chaos.Dependencies;
using Coffer.Chaos.Faults;
using Coffer.Chaos.Reporting;
using Coffer.Chaos.Verification;
using Coffer.Chaos.Workload;

namespace Coffer.Chaos;

/// <summary>
/// One chaos run from nothing to a report: own dependencies, two servers, wallets, then the seeded workload while the fault
/// injector works through its schedule (until the duration is over and every kind of fault was injected once), then the
/// unknown outcomes resolved, the jobs settled, and every check. Everything it started is stopped, whatever happens.
/// <paramref name="interrupt"/> (Ctrl-C) ends the workload and the faults (the one under way is undone first), then the run
/// throws <see cref="OperationCanceledException"/> after stopping everything.
/// </summary>
internal static class ChaosRun
{
    public static async Task<ChaosReport> RunAsync(ChaosOptions options, Action<string> log, CancellationToken interrupt = default)
    {
        var setup = Stopwatch.StartNew();
        log($"chaos run: seed {options.Seed}, {options.Duration.TotalSeconds:F0} s of workload, {options.Clients} clients"
            + (options.Bug is null ? "" : $", injected bug {options.Bug.Name}"));
        var ports = options.PortBase is { } portBase
            ? ChaosPorts.FromBase(portBase)
            : await ChaosPorts.FindFreeAsync(ChaosOptions.FirstSearchedPortBase);
        await using var dependencies = await ChaosDependencies.StartAsync(ports, options.KeepWorkDirectory, log);
        await using var cluster = await CofferCluster.StartAsync(dependencies, log);
        using var client = new RetryingClient(cluster.Nodes.Select(n => n.BaseAddress));
        var parties = await ChaosParties.OpenAsync(options.Seed, cluster.Token, client);
        var executor = new OperationExecutor(options.Seed, parties, client, options.OperationRetryLimit);
        setup.Stop();
        log($"setup done in {setup.Elapsed.TotalSeconds:F1} s: {parties.Wallets.Count} wallets in {ChaosParties.Tenants.Length} tenants");

        var workload = Stopwatch.StartNew();
        var records = await RunWorkloadWithFaultsAsync(options, dependencies, cluster, parties, executor, log, interrupt);
        workload.Stop();
        interrupt.ThrowIfCancellationRequested();

        var checks = Stopwatch.StartNew();
        var verified = await CheckAsync(options, dependencies, cluster, parties, executor, records.Operations, log);
        checks.Stop();
        foreach (var fault in records.Faults.Where(f => f.Error is not null))
        {
            verified.Findings.Add("fault recovery", $"{fault.Detail}: {fault.Error}");
        }
        return new ChaosReport
        {
            Options = options,
            Operations = records.Operations,
            Faults = records.Faults,
            Retries = client.Statistics.Retries,
            ServerErrorSamples = client.Statistics.ServerErrorSamples,
            WithdrawalStatuses = verified.WithdrawalStatuses,
            DeadJobs = verified.DeadJobs,
            DeadJobsReplayed = verified.DeadJobsReplayed,
            OperatorVerbs = verified.OperatorVerbs,
            Investments = verified.Investments,
            Commerce = verified.Commerce,
            Findings = verified.Findings,
            SetupTime = setup.Elapsed,
            WorkloadTime = workload.Elapsed,
            CheckTime = checks.Elapsed,
            NodeOutputs = Enumerable.Range(0, CofferCluster.NodeCount).Select(cluster.Output).ToList(),
        };
    }

    private static async Task<(IReadOnlyList<OperationRecord> Operations, IReadOnlyList<InjectedFault> Faults)> RunWorkloadWithFaultsAsync(
        ChaosOptions options, ChaosDependencies dependencies, CofferCluster cluster, ChaosParties parties, OperationExecutor executor, Action<string> log,
        CancellationToken interrupt)
    {
        var plan = WorkloadPlan.Create(options.Seed, parties.Wallets, parties.Variants, options.MaxOperations);
        var schedule = FaultSchedule.Create(options.Seed, options.LongFaults, CofferCluster.NodeCount);
        var everyKind = Enum.GetValues<FaultKind>().Length;
        // A hard stop far beyond the planned time, so a wedged run still ends (and reports).
        using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(interrupt);
        hardStop.CancelAfter(options.Duration * 2 + TimeSpan.FromMinutes(3));
        var clock = Stopwatch.StartNew();
        using var workloadDone = new CancellationTokenSource(); // used as thread-safe flags, never to cancel anything
        using var injectorDone = new CancellationTokenSource();
        var injector = Task.Run(async () =>
        {
            try
            {
                return await new FaultInjector(dependencies, cluster, log).RunAsync(schedule, clock,
                    kinds => options.InjectFaults && !workloadDone.IsCancellationRequested && (clock.Elapsed < options.Duration || kinds.Count < everyKind), hardStop.Token);
            }
            finally
            {
                await injectorDone.CancelAsync();
            }
        });
        var records = new List<OperationRecord>();
        var bug = options.Bug is null ? Task.CompletedTask : Task.Run(async () =>
        {
            await Task.Delay(options.Duration / 2);
            await options.Bug.DuringWorkloadAsync(new BugContext(dependencies.OwnerConnectionString, records, log));
        });
        try
        {
            records.AddRange(await new WorkloadRunner(executor, options.Seed, options.Clients, options.ThinkTime)
                .RunAsync(plan, () => !injectorDone.IsCancellationRequested || clock.Elapsed < options.Duration, log, hardStop.Token));
        }
        finally
        {
            await workloadDone.CancelAsync();
        }
        var faults = await injector;
        await bug;
        log($"workload done after {clock.Elapsed.TotalSeconds:F1} s: {records.Count(r => r.Started)} operations, {faults.Count} faults");
        return (records, faults);
    }

    private static async Task<CheckOutcome> CheckAsync(ChaosOptions options, ChaosDependencies dependencies, CofferCluster cluster,
        ChaosParties parties, OperationExecutor executor, IReadOnlyList<OperationRecord> records, Action<string> log)
    {
        var findings = new Findings();
        var owner = dependencies.OwnerConnectionString;
        var server = cluster.Nodes[0].BaseAddress;
        await cluster.Provider.SucceedAsync();
        var resolved = await OutcomeResolver.ResolveAsync(records, executor, options.Seed, options.QuiescenceLimit);
        log($"{resolved} request(s) with unknown outcomes sent again");
        if (!await Quiescence.WaitAsync(owner, options.QuiescenceLimit))
        {
            log("jobs still pending after the quiescence limit");
        }
        log("jobs settled");
        var deadJobs = (await LedgerSnapshot.ReadJobsAsync(owner)).Where(j => j.Status == "dead").ToList();
        JobCheck.Check(deadJobs, findings); // dead, each with its reason, before the operator replays them
        var replayed = await DeadJobReplay.ReplayAsync(server, options.Seed, parties, deadJobs, findings);
        if (replayed > 0 && !await Quiescence.WaitAsync(owner, options.QuiescenceLimit))
        {
            log("replayed jobs still pending after the quiescence limit");
        }
        JobCheck.Check(await LedgerSnapshot.ReadJobsAsync(owner), findings);
        if (options.Bug is not null)
        {
            await options.Bug.BeforeChecksAsync(new BugContext(owner, records, log));
        }

        var snapshot = await LedgerSnapshot.ReadAsync(owner);
        ClientAnswersCheck.Check(records, findings);
        DurabilityCheck.Check(records, parties, snapshot, findings);
        ExactlyOnceCheck.Check(options.Seed, records, snapshot, findings);
        var investments = await InvestmentSnapshot.ReadAsync(owner);
        var investmentSummary = InvestmentCheck.Check(records, investments, findings);
        var shop = await CommerceSnapshot.ReadAsync(owner);
        var commerceSummary = CommerceCheck.Check(records, parties, shop, snapshot, findings);
        await BalanceModelCheck.CheckAsync(server, parties, BalanceModel.Expect(records, parties, snapshot.Withdrawals, investments, shop), findings);
        await LedgerInvariants.CheckAsync(owner, findings);
        ProviderCheck.Check(await cluster.Provider.GetCallsAsync(), snapshot, findings);
        var verbs = await OperatorVerbsCheck.CheckAsync(cluster, findings);
        log($"checks done: {findings.All.Count} finding(s)");
        return new CheckOutcome(findings, snapshot.Withdrawals.Values.GroupBy(w => w.Status).ToDictionary(g => g.Key, g => g.Count()),
            deadJobs.Count, replayed, verbs, investmentSummary, commerceSummary);
    }

    /// <summary>What the checks found, and what the report shows of how the run settled.</summary>
    private sealed record CheckOutcome(
        Findings Findings, IReadOnlyDictionary<string, int> WithdrawalStatuses, int DeadJobs, int DeadJobsReplayed, string OperatorVerbs,
        string Investments, string Commerce);
}
